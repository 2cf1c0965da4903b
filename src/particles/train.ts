import * as tf from "@tensorflow/tfjs";

import { mse } from "../math/mse";
import {
  type EpochLog,
  type LoopOptions,
  type LoopResult,
  trainWithEarlyStopping,
} from "../runtime/training-loop";
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

/** The defaults the CLI and the notebook use. */
export const DEFAULT_TRAINING: TrainOptions = {
  epochs: 300,
  batchSize: 256,
  learningRate: 0.01,
  patience: 30,
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
  const xAll = tf.tensor3d(train.x, [train.n, N_PARTICLES, N_IN]);
  const yAll = tf.tensor3d(train.y, [train.n, N_PARTICLES, N_OUT]);
  try {
    const batchLoss = (idx: number[]): tf.Scalar => {
      const it = tf.tensor1d(idx, "int32");
      return tf.losses.meanSquaredError(
        tf.gather(yAll, it),
        model.apply(tf.gather(xAll, it)) as tf.Tensor,
      ) as tf.Scalar;
    };
    const validate = (): number => mse(predictFlat(model, val.x), val.y);
    return await trainWithEarlyStopping(model, train.n, batchLoss, validate, {
      ...DEFAULT_TRAINING,
      ...options,
    });
  } finally {
    xAll.dispose();
    yAll.dispose();
  }
}
