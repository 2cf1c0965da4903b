import * as tf from "@tensorflow/tfjs";

import { mse } from "../math/mse";
import { gatherRows } from "../math/row-matrix";
import {
  type EpochLog,
  type LoopOptions,
  type LoopResult,
  trainWithEarlyStopping,
} from "../training/training-loop";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "./data";

/** Samples as flat arrays: `x` is (n, 4, 7) and `y` (n, 4, 3), row-major. */
export interface Samples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** Training settings of the particle networks; defaults in {@link DEFAULT_TRAINING}. */
export type TrainOptions = LoopOptions;

/** One epoch of training: losses are MSE. */
export type { EpochLog };

/**
 * The defaults the CLI, the notebook and `npm run bench:generality` use for every data set: Adam
 * on MSE in batches of 512 at a learning rate of 0.03, lowered along a cosine to 1e-5 over 36
 * epochs, the best validation epoch kept. `npm run bench:particles` runs a PyTorch reference of the
 * same network on the same recipe.
 */
export const DEFAULT_TRAINING: TrainOptions = {
  epochs: 36,
  batchSize: 512,
  learningRate: 0.03,
  schedule: "cosine",
  patience: 36,
  lrPatience: 8,
  minLearningRate: 1e-5,
  seed: 0,
};

/** Predicts (n, 4, 3) outputs for (n, 4, 7) inputs in chunks, as a flat array. */
export function predictFlat(model: tf.LayersModel, x: Float32Array, chunk = 8192): Float32Array {
  const n = x.length / SAMPLE_IN;
  const out = new Float32Array(n * SAMPLE_OUT);
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const pred = tf.tidy(() => {
      const xb = tf.tensor3d(x.subarray(s * SAMPLE_IN, e * SAMPLE_IN), [e - s, N_PARTICLES, N_IN]);
      return model.predict(xb) as tf.Tensor;
    });
    out.set(pred.dataSync(), s * SAMPLE_OUT);
    pred.dispose();
  }
  return out;
}

/**
 * Trains with Adam on MSE in seeded mini-batches on the learning-rate schedule of the options (see
 * {@link DEFAULT_TRAINING}) and restores the weights of the best validation epoch. Resolves with the
 * history.
 */
export async function trainModel(
  model: tf.LayersModel,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
): Promise<LoopResult> {
  // Batches are copied out of the arrays in JavaScript: a tfjs gather costs more than the network.
  const batchLoss = (idx: number[]): tf.Scalar => {
    const rows = Int32Array.from(idx);
    const x = tf.tensor3d(gatherRows({ values: train.x, width: SAMPLE_IN }, rows).values, [
      idx.length,
      N_PARTICLES,
      N_IN,
    ]);
    const y = tf.tensor3d(gatherRows({ values: train.y, width: SAMPLE_OUT }, rows).values, [
      idx.length,
      N_PARTICLES,
      N_OUT,
    ]);
    return tf.mean(tf.squaredDifference(y, model.apply(x) as tf.Tensor)) as tf.Scalar;
  };
  const validate = (): number => mse(predictFlat(model, val.x), val.y);
  return trainWithEarlyStopping(model, train.n, batchLoss, validate, {
    ...DEFAULT_TRAINING,
    ...options,
  });
}
