/**
 * The worker thread of {@link trainInParallel} (see parallel-training.ts): trains one design on one
 * data set file per message and answers its validation result. Not an entry point of its own.
 */
import { parentPort } from "node:worker_threads";

import { mse } from "../../math/mse";
import { initBackend } from "../../runtime/tf-backend";
import { loadParticles } from "../data/particle-data";
import { fitLinear, predictLinear } from "../experiments/baselines";
import { type ModelResult, runDesign, trainValSamples } from "../experiments/runs";
import { type DesignName } from "../model/designs";
import { particleScore } from "../score";
import { LAW_ZOO } from "../simulation/law-zoo";
import { zooDataFile } from "../simulation/zoo-files";
import type { TrainOptions } from "./train";
import { headSamples } from "./train";

/** One training job: a design on a data set, with the training options. */
export interface TrainingJob {
  id: number;
  /** A `.npz` file, or `zoo:<law>` for a law of the zoo (simulated here when not cached). */
  file: string;
  design: DesignName;
  hidden?: number[];
  options: Partial<TrainOptions>;
  /** Also fit linear least squares on the same split. */
  linear?: boolean;
  /** Train and validate on the first samples of each side only (quick mode, tests). */
  limit?: { train: number; val: number };
}

/** What a job answers: the design's result, and the linear baseline's when asked for. */
export interface TrainingReply {
  id: number;
  result?: ModelResult;
  linear?: ModelResult;
  /** The tfjs backend the worker trained on. */
  backend?: string;
  /**
   * Seconds the worker took to get the data set: reading it, after simulating it first for a law
   * of the zoo not yet cached.
   */
  dataSeconds?: number;
  error?: string;
}

/**
 * The file of a job's data set: a path, or the zoo's cached simulation of a law. A job trains and
 * scores on the training arrays alone (a seeded 90/10 split), so a law's simulation holds one test
 * sample rather than a whole test set, whose every sample costs as much to simulate as a training
 * sample. The training arrays are the same either way: they are drawn first.
 */
export function jobFile(file: string): string {
  if (!file.startsWith("zoo:")) return file;
  const law = LAW_ZOO.find((l) => l.name === file.slice(4));
  if (!law)
    throw new Error(
      `no law ${file.slice(4)} in the zoo (${LAW_ZOO.map((l) => l.name).join(", ")})`,
    );
  return zooDataFile(law, { nTest: 1 });
}

parentPort?.on("message", (job: TrainingJob) => {
  void (async () => {
    try {
      const backend = await initBackend();
      const reading = Date.now();
      const data = loadParticles(jobFile(job.file));
      const dataSeconds = (Date.now() - reading) / 1000;
      const split = trainValSamples(data, job.options.seed ?? 0);
      const train = job.limit ? headSamples(split.train, job.limit.train) : split.train;
      const val = job.limit ? headSamples(split.val, job.limit.val) : split.val;
      let linear: ModelResult | undefined;
      if (job.linear) {
        const started = Date.now();
        const fit = fitLinear(train);
        const valMse = mse(predictLinear(fit, val.x), val.y);
        const seconds = (Date.now() - started) / 1000;
        const valScore = particleScore(fit.params, valMse);
        linear = { model: "linear least squares", params: fit.params, valMse, valScore, seconds };
      }
      const { model, result } = await runDesign(job.design, train, val, job.options, job.hidden);
      model.dispose();
      parentPort!.postMessage({
        id: job.id,
        result,
        linear,
        backend,
        dataSeconds,
      } satisfies TrainingReply);
    } catch (err) {
      parentPort!.postMessage({
        id: job.id,
        error: (err as Error).message,
      } satisfies TrainingReply);
    }
  })();
});
