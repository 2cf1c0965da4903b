/**
 * Lets the event loop run (pending I/O, timers, other requests) before going on: called between
 * chunks of long synchronous work, so that a server doing it keeps answering.
 *
 * @example
 * for (const chunk of chunks) { work(chunk); await yieldToEventLoop(); }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
