import * as tf from "@tensorflow/tfjs";

import { mse } from "../math/mse";
import {
  type EpochLog,
  type LoopOptions,
  type LoopResult,
  trainWithEarlyStopping,
} from "../runtime/training-loop";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT, takeRows } from "./data";

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
 * The defaults the CLI and the notebook use: batches of 512 (on the wasm backend a step's time goes
 * mostly to per-operation overhead: measured 6.7 ms at 256 samples and 5.5 ms at 512) with a
 * learning rate to match, lowered along a cosine to 1e-5 over 100 epochs, the best validation epoch
 * kept. `npm run bench:particles` compares it with PyTorch running the earlier recipe (batch 256,
 * rate 0.01 halved on plateaus, up to 300 epochs).
 */
export const DEFAULT_TRAINING: TrainOptions = {
  epochs: 100,
  batchSize: 512,
  learningRate: 0.03,
  schedule: "cosine",
  patience: 100,
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
 * Trains with Adam on MSE in seeded mini-batches, halves the learning rate on plateaus, stops
 * early and restores the weights of the best validation epoch. Resolves with the history.
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
    const x = tf.tensor3d(takeRows(train.x, rows, SAMPLE_IN), [idx.length, N_PARTICLES, N_IN]);
    const y = tf.tensor3d(takeRows(train.y, rows, SAMPLE_OUT), [idx.length, N_PARTICLES, N_OUT]);
    return tf.mean(tf.squaredDifference(y, model.apply(x) as tf.Tensor)) as tf.Scalar;
  };
  const validate = (): number => mse(predictFlat(model, val.x), val.y);
  return trainWithEarlyStopping(model, train.n, batchLoss, validate, {
    ...DEFAULT_TRAINING,
    ...options,
  });
}
