import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread running a TypeScript file through tsx, as the CLIs run. `file` is an
 * absolute path with its ending: in a tslab kernel, which compiles src/ itself, require.resolve
 * does not know `.ts`.
 *
 * @example
 * const worker = startTypeScriptWorker(join(__dirname, "training-worker.ts"));
 */
export function startTypeScriptWorker(file: string): Worker {
  return new Worker(
    `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(file)});`,
    { eval: true },
  );
}
