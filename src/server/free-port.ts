import { createServer } from "node:net";

/**
 * A loopback port nothing listens on right now (listen on port 0, read it, close): where the
 * tests and benchmarks start their own server processes.
 *
 * @example
 * const port = await freePort(); // e.g. 39117
 */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
