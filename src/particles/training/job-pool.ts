import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";

import { cachedResult } from "../../io/cached-result";
import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import { askWorker } from "../../runtime/worker-request";
import type { TrainingJob, TrainingReply } from "./job-worker";
import { DEFAULT_TRAINING } from "./train";

/**
 * Trains several (design, data set) jobs at once in worker threads, one per core by default: the
 * tfjs wasm backend is single-threaded, so the jobs of a benchmark or a notebook share the cores
 * this way (an `onEpoch` callback cannot cross to a worker: it is dropped). Results come back in
 * the order of `jobs`; `onDone` is told as each one finishes. A
 * failing job rejects with its file named.
 *
 * @example
 * const results = await trainInParallel([{ file: "data/particles/5bf4506e86.npz", design: "substep", options: {} }]);
 */
export async function trainInParallel(
  jobs: Omit<TrainingJob, "id">[],
  {
    workers = availableParallelism(),
    onDone,
  }: { workers?: number; onDone?: (i: number, r: TrainingReply) => void } = {},
): Promise<TrainingReply[]> {
  const results: TrainingReply[] = new Array(jobs.length);
  let next = 0;
  const runWorker = async (): Promise<void> => {
    const w = startTypeScriptWorker(join(__dirname, "job-worker.ts"));
    try {
      while (next < jobs.length) {
        const id = next++;
        const options = { ...jobs[id].options, onEpoch: undefined };
        const job = { ...jobs[id], options, id } satisfies TrainingJob;
        const answers = (m: unknown): m is TrainingReply => (m as TrainingReply).id === id;
        const reply = await askWorker(w, job, answers, `the training of ${jobs[id].file}`);
        if (reply.error) throw new Error(`${jobs[id].file} (${jobs[id].design}): ${reply.error}`);
        results[id] = reply;
        onDone?.(id, reply);
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, runWorker));
  return results;
}

/**
 * {@link trainInParallel}'s replies, read back from the result cache (see cachedResult) when the
 * data files, the jobs (their options completed with the defaults), the backend and the code are
 * unchanged: what notebook 04 shows, without retraining on a rerun.
 */
export async function cachedTrainInParallel(
  label: string,
  jobs: Omit<TrainingJob, "id">[],
): Promise<TrainingReply[]> {
  const complete = jobs.map((j) => ({ ...j, options: { ...DEFAULT_TRAINING, ...j.options } }));
  const { value } = await cachedResult(
    {
      label,
      settings: { jobs: complete, backend: tf.getBackend() },
      inputs: [...new Set(jobs.map((j) => j.file))]
        .filter((f) => !f.startsWith("zoo:"))
        .map((f) => readFileSync(f)),
    },
    () => trainInParallel(jobs),
  );
  return value;
}
