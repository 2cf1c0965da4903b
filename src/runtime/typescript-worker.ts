import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread running a TypeScript file through tsx, as the CLIs run. `file` is an
 * absolute path with its ending: in a tslab kernel, which compiles src/ itself, require.resolve
 * does not know `.ts`.
 *
 * The project's workers each keep a core busy with the particle kernel, whose code is written at
 * run time for every network shape (see compiledFunction). By default V8 optimizes a hot function
 * on a helper thread, which competes with the workers for the same cores while the function goes
 * on running unoptimized. Before each worker, this turns that off for the threads started from
 * then on (`--no-concurrent-recompilation`, which V8 reads when a thread's isolate is made, so the
 * calling thread is left as it was; setting it again changes nothing): a worker optimizes its hot
 * functions itself, at once.
 * Only the speed changes, never a result: JavaScript's arithmetic is the same at every tier. The
 * gain is measured in docs/particles.md.
 *
 * @example
 * const worker = startTypeScriptWorker(join(__dirname, "training-worker.ts"));
 */
export function startTypeScriptWorker(file: string): Worker {
  setFlagsFromString("--no-concurrent-recompilation");
  return new Worker(
    `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(file)});`,
    { eval: true },
  );
}
