/**
 * The worker-thread side of {@link parseCsvOffThread}: parses one CSV per message and posts back
 * the columns (their buffers transferred, not copied) or the CsvError's message, row and column.
 */
import { parentPort } from "node:worker_threads";

import { CsvError } from "../io/csv";
import { parseQueriesCsv, parseRatingsCsv } from "../ratings/data";
import type { CsvJob } from "./csv-thread";

parentPort?.on("message", ({ id, kind, text, source }: CsvJob) => {
  try {
    const result =
      kind === "ratings" ? parseRatingsCsv(text, source) : parseQueriesCsv(text, source);
    const buffers = Object.values(result).map(
      (a: Int32Array | Float32Array) => a.buffer as ArrayBuffer,
    );
    parentPort!.postMessage({ id, result }, buffers);
  } catch (err) {
    const e = err as CsvError;
    parentPort!.postMessage({
      id,
      error: {
        csv: err instanceof CsvError,
        message: e.message ?? String(err),
        row: e.row,
        column: e.column,
      },
    });
  }
});
