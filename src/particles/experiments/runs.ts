import * as tf from "@tensorflow/tfjs";

import { cachedResult } from "../../io/cached-result";
import { mse } from "../../math/mse";
import { gatherRows } from "../../math/row-matrix";
import { deriveSeed } from "../../random/derive-seed";
import type { LoopResult } from "../../training/training-loop";
import { type ParticleData, SAMPLE_IN, SAMPLE_OUT, splitIndices } from "../data/particle-data";
import {
  DESIGN_SIZING,
  DESIGN_WIDTHS,
  type DesignName,
  DESIGNS,
  keptStructure,
  SUBSTEP_DESIGN,
} from "../model/designs";
import {
  buildInteractionModel,
  type InteractionConfig,
  interactionLayerOf,
} from "../model/interaction-layer";
import { particleScore } from "../score";
import type { Removal } from "../training/prune";
import { type ReplicaPool, trainInReplicas } from "../training/replica-training";
import { DEFAULT_SIZING, type SizingOptions, trainSized } from "../training/sized-training";
import {
  DEFAULT_TRAINING,
  type EpochLog,
  headSamples,
  predictFlat,
  type Samples,
  trainModel,
  type TrainOptions,
} from "../training/train";
import { buildDenseModel, fitLinear, predictInputPosition, predictLinear } from "./baselines";

/** Trains the named design (see {@link DesignName}) with its default or the given widths. */
export async function runDesign(
  design: DesignName,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
  hidden: number[] = DESIGN_WIDTHS[design],
): Promise<{ model: tf.LayersModel; result: ModelResult }> {
  const seed = deriveSeed(options.seed ?? 0, "particle-network");
  const config = { ...DESIGNS[design], hidden, seed };
  const sizing = DESIGN_SIZING[design];
  return sizing
    ? runSized(train, val, config, options, sizing)
    : runInteraction(train, val, config, options);
}

/**
 * Trains a broad design and fits its size to the data (see trainSized); the result names the
 * structure kept and the broad network's own score.
 */
export async function runSized(
  train: Samples,
  val: Samples,
  design: InteractionConfig,
  options: Partial<TrainOptions> = {},
  sizing: SizingOptions = DEFAULT_SIZING,
  log?: (line: string) => void,
  threads = 1,
  pool?: ReplicaPool,
): Promise<{ model: tf.LayersModel; result: ModelResult }> {
  const started = Date.now();
  const sized = await trainSized(train, val, design, options, sizing, log, threads, pool);
  const predict = (x: Float32Array) => predictInteraction(sized.model, sized.config, x, pool);
  const fit = async () => sized.fit;
  const result = await fitAndScore("interaction, sized", sized.model, val, fit, predict);
  return {
    model: sized.model,
    result: {
      ...result,
      seconds: (Date.now() - started) / 1000,
      kept: keptStructure(sized.config),
      config: sized.config,
      full: sized.full,
      removals: sized.removals,
    },
  };
}

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
  /** For a design sized to the data: the parts kept, in one line (see keptStructure). */
  kept?: string;
  /** For a design sized to the data: the configuration kept. */
  config?: InteractionConfig;
  /** For a design sized to the data: the broad network's weights, validation MSE and score. */
  full?: { params: number; valMse: number; valScore: number };
  /** For a design sized to the data: the parts removed in order, each with the weights and search score after it. */
  removals?: Removal[];
}

/** The seeded 90/10 split of a data set's training samples. */
export function trainValSamples(data: ParticleData, seed = 0): { train: Samples; val: Samples } {
  const split = splitIndices(data.nTrain, 0.1, seed);
  const take = (idx: Int32Array): Samples => ({
    x: gatherRows({ values: data.trainX, width: SAMPLE_IN }, idx).values,
    y: gatherRows({ values: data.trainY, width: SAMPLE_OUT }, idx).values,
    n: idx.length,
  });
  return { train: take(split.train), val: take(split.val) };
}

/**
 * Trains the interaction network; resolves with the trained model and its validation result. With
 * `threads` above 1 the training is data-parallel over worker threads (see trainInReplicas, at
 * most GRADIENT_SHARDS of them): the same network to the bit, in less time; on `pool`'s when given
 * (it stays open, for the caller's predictions).
 */
export async function runInteraction(
  train: Samples,
  val: Samples,
  design: InteractionConfig = SUBSTEP_DESIGN,
  options: Partial<TrainOptions> = {},
  threads = 1,
  pool?: ReplicaPool,
): Promise<{ model: tf.LayersModel; result: ModelResult }> {
  const model = buildInteractionModel(design);
  const fit = pool
    ? () => pool.train(model, design, train, val, options)
    : threads > 1
      ? () => trainInReplicas(model, design, train, val, options, threads)
      : () => trainModel(model, train, val, options);
  const predict = (x: Float32Array) => predictInteraction(model, design, x, pool);
  const name = `interaction ${JSON.stringify(design.hidden)}`;
  return { model, result: await fitAndScore(name, model, val, fit, predict) };
}

/**
 * The predictions of a trained interaction network `model` of `config` for the inputs `x`
 * ((n, 4, 7) flat): on `pool`'s threads when given (see ReplicaPool.predict), where the network's
 * kernel is warm from its training, else in this thread (predictFlat); the same numbers either way.
 *
 * @example
 * const testY = await predictInteraction(model, config, data.testX, pool);
 */
export async function predictInteraction(
  model: tf.LayersModel,
  config: InteractionConfig,
  x: Float32Array,
  pool?: ReplicaPool,
): Promise<Float32Array> {
  if (!pool) return predictFlat(model, x);
  return pool.predict({ config, weights: interactionLayerOf(model).namedWeights() }, x);
}

/**
 * {@link runInteraction}'s result, read back from the result cache (see cachedResult) when the
 * samples, design, settings and code are unchanged: what the notebook shows, without retraining on
 * a rerun. `name` names the data set in messages.
 */
export function interactionResult(
  name: string,
  train: Samples,
  val: Samples,
  design: InteractionConfig = SUBSTEP_DESIGN,
  options: Partial<TrainOptions> = {},
): Promise<ModelResult> {
  return cachedOnSplit(
    `interaction ${JSON.stringify(design.hidden)} on ${name}`,
    { train, val },
    { design, options },
    async () => (await runInteraction(train, val, design, options)).result,
  );
}

/** {@link runBaselines}'s results, read back from the result cache like {@link interactionResult}. */
export function baselineResults(
  name: string,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
): Promise<ModelResult[]> {
  return cachedOnSplit(`baselines on ${name}`, { train, val }, { options }, () =>
    runBaselines(train, val, options),
  );
}

/**
 * A result computed on one train/validation split, cached under its samples, the settings (the
 * training options completed with their defaults) and the backend.
 */
async function cachedOnSplit<T>(
  label: string,
  { train, val }: { train: Samples; val: Samples },
  settings: { options: Partial<TrainOptions>; design?: InteractionConfig },
  compute: () => Promise<T>,
): Promise<T> {
  const { value } = await cachedResult(
    {
      label,
      settings: {
        ...settings,
        options: { ...DEFAULT_TRAINING, ...settings.options },
        backend: tf.getBackend(),
      },
      inputs: [train.x, train.y, val.x, val.y],
    },
    compute,
  );
  return value;
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
  const dense = buildDenseModel([64, 64], 1);
  out.push(
    await fitAndScore("dense [64, 64]", dense, val, () => trainModel(dense, train, val, options)),
  );
  return out;
}

/**
 * Runs `fit` on `model` and scores the restored weights on `val` (predicted by `predict`), checked
 * against the training's.
 */
async function fitAndScore(
  name: string,
  model: tf.LayersModel,
  val: Samples,
  fit: () => Promise<LoopResult>,
  predict = async (x: Float32Array) => predictFlat(model, x),
): Promise<ModelResult> {
  const started = Date.now();
  const { history, bestValLoss } = await fit();
  const params = model.countParams();
  const valMse = mse(await predict(val.x), val.y);
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

/**
 * The seeded 90/10 split of a data set (see {@link trainValSamples}), cut to the first
 * `limit.train` and `limit.val` samples when a limit is given (quick mode).
 *
 * @example
 * const { train, val } = limitedSplit(data, { train: 3000, val: 1000 });
 */
export function limitedSplit(
  data: ParticleData,
  limit?: { train: number; val: number },
): { train: Samples; val: Samples } {
  const s = trainValSamples(data, 0);
  if (!limit) return s;
  return { train: headSamples(s.train, limit.train), val: headSamples(s.val, limit.val) };
}

/**
 * A result as a table row: the data set, the model, its parameters, validation MSE and score
 * (`n/a` for a model without parameters), and the epochs and seconds it trained when known.
 *
 * @example
 * showTable(results.map((r) => resultRow("ee1e1d5f36", r)));
 */
export function resultRow(data: string, r: ModelResult): Record<string, string | number> {
  return {
    data,
    model: r.model,
    params: r.params,
    "val MSE": r.valMse,
    "val score": Number.isFinite(r.valScore) ? Math.round(r.valScore) : "n/a",
    ...(r.epochs !== undefined ? { epochs: r.epochs } : {}),
    seconds: Math.round(r.seconds),
  };
}
