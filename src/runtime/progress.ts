/**
 * Reports progress of long work: a redrawn bar on a terminal, and at most about 20 lines elsewhere
 * (notebooks, CI logs), each saying how far the work is and how fast it goes.
 *
 * @example
 * const tick = progress("embedding", texts.length);
 * tick(32); // after each batch: items done so far
 */
export function progress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number) => void {
  const started = Date.now();
  let lastLine = -1;
  return (done: number) => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const pct = total > 0 ? Math.min(100, (100 * done) / total) : 100;
    const text = `${label}: ${done}/${total} (${pct.toFixed(0)}%), ${rate.toFixed(1)}/s`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      stream.write(
        `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}${done >= total ? "\n" : ""}`,
      );
      return;
    }
    const step = Math.floor(pct / 5);
    if (step !== lastLine || done >= total) {
      lastLine = step;
      console.log(text);
    }
  };
}
