import { Worker } from "node:worker_threads";

import { CsvError } from "../io/csv";
import type { RatingQueries, Ratings } from "../ratings/data";

/** One parse request to the CSV worker. */
export interface CsvJob {
  id: number;
  kind: "ratings" | "queries";
  text: string;
  source: string;
}

interface CsvReply {
  id: number;
  result?: Ratings | RatingQueries;
  error?: { csv: boolean; message: string; row?: number; column?: string };
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (r: CsvReply) => void; reject: (e: Error) => void }>();

/** The one CSV worker thread, started on first use; it keeps the process alive only while busy. */
function csvWorker(): Worker {
  if (worker) return worker;
  // The worker runs TypeScript through tsx, as the server does.
  const w = new Worker(
    `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(require.resolve("./csv-worker"))});`,
    { eval: true },
  );
  w.on("message", (reply: CsvReply) => {
    pending.get(reply.id)?.resolve(reply);
    pending.delete(reply.id);
    // Idle, the worker does not keep the process alive; busy, it does (see parseCsvOffThread).
    if (pending.size === 0) w.unref();
  });
  w.on("error", (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  });
  // After the listeners: attaching a "message" listener refs the worker again.
  w.unref();
  worker = w;
  return w;
}

/**
 * Parses a ratings or queries CSV (see parseRatingsCsv, parseQueriesCsv) in a worker thread, so
 * that a 30 MB upload does not stop the server from answering `/health` and other requests
 * meanwhile. Resolves with the columns; rejects with the same {@link CsvError} (row, column) the
 * parser would throw.
 *
 * @example
 * const queries = (await parseCsvOffThread("queries", text, "upload.csv")) as RatingQueries;
 */
export async function parseCsvOffThread(
  kind: CsvJob["kind"],
  text: string,
  source: string,
): Promise<Ratings | RatingQueries> {
  const w = csvWorker();
  const id = nextId++;
  const reply = await new Promise<CsvReply>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, kind, text, source } satisfies CsvJob);
  });
  if (reply.error) {
    const { csv, message, row, column } = reply.error;
    throw csv ? new CsvError(message, { row, column }) : new Error(message);
  }
  return reply.result!;
}
