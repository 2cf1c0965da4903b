import * as tf from "@tensorflow/tfjs";

import { mse, squaredErrorSum } from "../../math/mse";
import { gatherRows } from "../../math/row-matrix";
import { type ReplicaGroup, shardRange } from "../../training/replica-group";
import {
  type EpochLog,
  type GradientReduce,
  type LoopOptions,
  type LoopResult,
  trainWithEarlyStopping,
} from "../../training/training-loop";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";

/** Samples as flat arrays: `x` is (n, 4, 7) and `y` (n, 4, 3), row-major. */
export interface Samples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** The first `n` samples (quick mode and tests use small slices). */
export function headSamples(s: Samples, n: number): Samples {
  const k = Math.min(n, s.n);
  return { x: s.x.slice(0, k * SAMPLE_IN), y: s.y.slice(0, k * SAMPLE_OUT), n: k };
}

/** A copy of samples whose arrays live in shared memory, so that worker threads read one copy. */
export function sharedSamples(s: Samples): Samples {
  const copy = (a: Float32Array): Float32Array => {
    const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return { x: copy(s.x), y: copy(s.y), n: s.n };
}

/** Training settings of the particle networks; defaults in {@link DEFAULT_TRAINING}. */
export type TrainOptions = LoopOptions;

/** One epoch of training: losses are MSE. */
export type { EpochLog };

/**
 * The defaults the CLI, the notebook and `npm run bench:generality` use for every data set: Adam
 * on MSE in batches of 128 at a learning rate of 0.03, lowered along a cosine to 1e-5 over 36
 * epochs, each batch's gradient clipped to 10 times the running average of the norms (see
 * RelativeGradientClip), the best validation epoch kept. `npm run bench:particles` runs a PyTorch
 * reference of the same network on the same recipe. Batches of 128 rather than 512: four times
 * the steps for about the same time (the cost is per sample). The clip: one batch in a run can
 * have a gradient far above the median (a close encounter), and the Adam step it causes can undo
 * the training so far. `npm run bench:generality -- --clip 0` measures the recipe without it.
 */
export const DEFAULT_TRAINING: TrainOptions = {
  epochs: 36,
  batchSize: 128,
  learningRate: 0.03,
  schedule: "cosine",
  patience: 36,
  lrPatience: 8,
  minLearningRate: 1e-5,
  seed: 0,
  clipGradients: 10,
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
 *
 * With a replica `group` this is one replica of a data-parallel training (see trainInReplicas):
 * every replica runs the same loop on the same batches, computes the loss and gradients of its own
 * part of each batch and of the validation set, and the group adds them up, so all replicas take
 * the same steps, on the whole batch's gradient.
 */
export async function trainModel(
  model: tf.LayersModel,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
  group?: ReplicaGroup,
): Promise<LoopResult> {
  const part = (idx: number[]): number[] =>
    group ? idx.slice(...shardRange(idx.length, group.rank, group.size)) : idx;
  // Batches are copied out of the arrays in JavaScript: a tfjs gather costs more than the network.
  const batchLoss = (idx: number[]): tf.Scalar => {
    const mine = part(idx);
    // A part left empty by a batch smaller than the group computes on one sample, weighted 0.
    const rows = Int32Array.from(mine.length > 0 ? mine : idx.slice(0, 1));
    const x = tf.tensor3d(gatherRows({ values: train.x, width: SAMPLE_IN }, rows).values, [
      rows.length,
      N_PARTICLES,
      N_IN,
    ]);
    const y = tf.tensor3d(gatherRows({ values: train.y, width: SAMPLE_OUT }, rows).values, [
      rows.length,
      N_PARTICLES,
      N_OUT,
    ]);
    return tf.mean(tf.squaredDifference(y, model.apply(x) as tf.Tensor)) as tf.Scalar;
  };
  const validate = (): number => {
    if (!group) return mse(predictFlat(model, val.x), val.y);
    const [start, end] = shardRange(val.n, group.rank, group.size);
    const pred = predictFlat(model, val.x.subarray(start * SAMPLE_IN, end * SAMPLE_IN));
    const target = val.y.subarray(start * SAMPLE_OUT, end * SAMPLE_OUT);
    const [sum, count] = group.sum([squaredErrorSum(pred, target), pred.length]);
    return sum / count;
  };
  return trainWithEarlyStopping(model, train.n, batchLoss, validate, {
    ...DEFAULT_TRAINING,
    ...options,
    reduceGradients: group ? replicaReduce(group) : undefined,
  });
}

/**
 * Adds a replica's loss and gradients, weighted by the samples of its part, over the group and
 * divides by the batch: the mean over the whole batch, the same in every replica.
 */
function replicaReduce(group: ReplicaGroup): GradientReduce {
  return (indices, loss, grads) => {
    const names = Object.keys(grads).sort();
    const [start, end] = shardRange(indices.length, group.rank, group.size);
    const weight = end - start;
    const flat = new Float64Array(1 + names.reduce((n, k) => n + grads[k].size, 0));
    flat[0] = loss.dataSync()[0] * weight;
    let at = 1;
    for (const k of names) {
      const g = grads[k].dataSync();
      for (let i = 0; i < g.length; i++) flat[at + i] = g[i] * weight;
      at += g.length;
    }
    const total = group.sum(flat);
    const n = indices.length;
    at = 1;
    const whole: tf.NamedTensorMap = {};
    for (const k of names) {
      const size = grads[k].size;
      whole[k] = tf.tensor(
        Float32Array.from(total.subarray(at, at + size), (v) => v / n),
        grads[k].shape,
      );
      at += size;
    }
    return { loss: tf.scalar(total[0] / n), grads: whole };
  };
}
