import type * as tf from "@tensorflow/tfjs";

import { mse } from "../math/mse";
import { buildDenseModel, fitLinear, predictInputPosition, predictLinear } from "./baselines";
import { type ParticleData, SAMPLE_IN, SAMPLE_OUT, splitIndices, takeRows } from "./data";
import { buildInteractionModel, type InteractionConfig } from "./interaction-layer";
import { particleScore } from "./score";
import { type EpochLog, predictFlat, type Samples, trainModel, type TrainOptions } from "./train";

/**
 * The one design used on all three data sets: a pair function with 8 hidden units (78 parameters).
 * Measured with the CLI, [8] beat [16] (150 parameters) on every data set: validation scores
 * 10,263 / 8,522 / 9,348 against 7,464 / 7,032 / 6,998.
 */
export const DEFAULT_DESIGN: InteractionConfig = { hidden: [8], seed: 1 };

/** One model's result on the validation split. */
export interface ModelResult {
  model: string;
  params: number;
  valMse: number;
  /** `(MegaParams * valMse) ** -0.5`; Infinity for a model without parameters. */
  valScore: number;
  seconds: number;
  epochs?: number;
  history?: EpochLog[];
}

/** The seeded 90/10 split of a data set's training samples. */
export function trainValSamples(data: ParticleData, seed = 0): { train: Samples; val: Samples } {
  const split = splitIndices(data.nTrain, 0.1, seed);
  const take = (idx: Int32Array): Samples => ({
    x: takeRows(data.trainX, idx, SAMPLE_IN),
    y: takeRows(data.trainY, idx, SAMPLE_OUT),
    n: idx.length,
  });
  return { train: take(split.train), val: take(split.val) };
}

/** The first `n` samples (quick mode and tests use small slices). */
export function headSamples(s: Samples, n: number): Samples {
  const k = Math.min(n, s.n);
  return { x: s.x.slice(0, k * SAMPLE_IN), y: s.y.slice(0, k * SAMPLE_OUT), n: k };
}

/** Trains the interaction network; resolves with the trained model and its validation result. */
export async function runInteraction(
  train: Samples,
  val: Samples,
  design: InteractionConfig = DEFAULT_DESIGN,
  options: Partial<TrainOptions> = {},
): Promise<{ model: tf.LayersModel; result: ModelResult }> {
  const model = buildInteractionModel(design);
  return {
    model,
    result: await fitAndScore(
      `interaction ${JSON.stringify(design.hidden)}`,
      model,
      train,
      val,
      options,
    ),
  };
}

/** The baselines of the issue on the same split: input position, linear least squares, dense net. */
export async function runBaselines(
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
): Promise<ModelResult[]> {
  const out: ModelResult[] = [];
  let t = Date.now();
  const copyMse = mse(predictInputPosition(val.x), val.y);
  out.push({
    model: "input position",
    params: 0,
    valMse: copyMse,
    valScore: Infinity,
    seconds: (Date.now() - t) / 1000,
  });
  t = Date.now();
  const linear = fitLinear(train);
  const linMse = mse(predictLinear(linear, val.x), val.y);
  out.push({
    model: "linear least squares",
    params: linear.params,
    valMse: linMse,
    valScore: particleScore(linear.params, linMse),
    seconds: (Date.now() - t) / 1000,
  });
  out.push(await fitAndScore("dense [64, 64]", buildDenseModel([64, 64], 1), train, val, options));
  return out;
}

async function fitAndScore(
  name: string,
  model: tf.LayersModel,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions>,
): Promise<ModelResult> {
  const started = Date.now();
  const { history, bestValLoss } = await trainModel(model, train, val, options);
  const params = model.countParams();
  const valMse = mse(predictFlat(model, val.x), val.y);
  if (Math.abs(valMse - bestValLoss) > 1e-6 * Math.max(1, bestValLoss)) {
    throw new Error(
      `${name}: restored weights give val MSE ${valMse}, training saw ${bestValLoss}`,
    );
  }
  return {
    model: name,
    params,
    valMse,
    valScore: particleScore(params, valMse),
    seconds: (Date.now() - started) / 1000,
    epochs: history.length,
    history,
  };
}
