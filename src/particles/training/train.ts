import * as tf from "@tensorflow/tfjs";

import { squaredErrorSum } from "../../math/mse";
import { gatherRows } from "../../math/row-matrix";
import { ReplicaGroup, shardRange } from "../../training/replica-group";
import {
  byName,
  type EpochLog,
  type FlatLossGradients,
  type LoopOptions,
  type LoopResult,
  type ShardedGradients,
  trainWithEarlyStopping,
} from "../../training/training-loop";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import { InteractionLayer } from "../model/interaction-layer";

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
 * The parts every batch's gradient, and the validation loss, are summed from, whatever the
 * number of training threads (see {@link trainModel}): with as many threads as parts each thread
 * computes one, with fewer a thread computes several, and the sums are the same to the bit. So a
 * run gives the same network on a machine of any number of cores. It is also the most threads one
 * training uses.
 */
export const GRADIENT_SHARDS = 2;

/**
 * Trains with Adam on MSE in seeded mini-batches on the learning-rate schedule of the options (see
 * {@link DEFAULT_TRAINING}) and restores the weights of the best validation epoch. Resolves with the
 * history.
 *
 * Every batch is cut into the group's parts (GRADIENT_SHARDS for a particle network; see
 * shardRange), and so is the validation set: each part's loss and gradients are computed by
 * themselves and added up in float64 in part order (see ReplicaGroup). With a replica `group`
 * this is one replica of a data-parallel training (see trainInReplicas): every replica runs the
 * same loop on the same batches and computes the parts it holds, so all replicas take the same
 * steps, on the whole batch's gradient. Without, this thread computes every part, and the result
 * is the same as over replicas.
 */
export async function trainModel(
  model: tf.LayersModel,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions> = {},
  group: ReplicaGroup = localGroup(model),
): Promise<LoopResult> {
  const [first, end] = group.mine;
  const mine = Array.from({ length: end - first }, (_, k) => first + k);
  /** Part s of `n` items, `[start, end)`. */
  const part = (n: number, s: number) => shardRange(n, s, group.shards);
  // Batches are copied out of the arrays in JavaScript: a tfjs gather costs more than the network.
  /** The training samples `rowsOf`, gathered: their inputs, targets and count. */
  const batchOf = (rowsOf: number[]) => {
    const rows = Int32Array.from(rowsOf);
    const x = gatherRows({ values: train.x, width: SAMPLE_IN }, rows).values;
    const y = gatherRows({ values: train.y, width: SAMPLE_OUT }, rows).values;
    return { x, y, n: rows.length };
  };
  const batchLoss = (rowsOf: number[]): tf.Scalar => {
    const batch = batchOf(rowsOf);
    const x = tf.tensor3d(batch.x, [batch.n, N_PARTICLES, N_IN]);
    const y = tf.tensor3d(batch.y, [batch.n, N_PARTICLES, N_OUT]);
    return tf.mean(tf.squaredDifference(y, model.apply(x) as tf.Tensor)) as tf.Scalar;
  };
  const validate = (): number => {
    const sums = mine.map((s) => {
      const [start, stop] = part(val.n, s);
      const pred = predictFlat(model, val.x.subarray(start * SAMPLE_IN, stop * SAMPLE_IN));
      const target = val.y.subarray(start * SAMPLE_OUT, stop * SAMPLE_OUT);
      return [squaredErrorSum(pred, target), pred.length];
    });
    const [sum, count] = group.sum(sums);
    return sum / count;
  };
  // The particle network computes its own loss and gradients (see lossAndGradients); the
  // baselines go through tfjs.
  const layer = model.layers.find((l): l is InteractionLayer => l instanceof InteractionLayer);
  // The layer's weights in the flat gradient's order (see FlatLossGradients), by their place.
  const flatOrder = layer ? flatOrderOf(layer) : [];
  const sharded: ShardedGradients = {
    // A part left empty by a batch smaller than the parts computes on one sample, weighted 0.
    parts: (idx) =>
      mine.map((s) => {
        const rows = idx.slice(...part(idx.length, s));
        return rows.length > 0 ? rows : idx.slice(0, 1);
      }),
    combine: (idx, parts) => combineParts(group, idx.length, mine, parts),
    gradientsOf: layer
      ? (rowsOf) => {
          const batch = batchOf(rowsOf);
          const { loss, grads } = layer.lossAndGradients(batch.x, batch.y, batch.n);
          const flat = new Float32Array(grads.reduce((n, g) => n + g.length, 0));
          let at = 0;
          for (const k of flatOrder) {
            flat.set(grads[k], at);
            at += grads[k].length;
          }
          return { loss, grads: flat };
        }
      : undefined,
  };
  return trainWithEarlyStopping(model, train.n, batchLoss, validate, {
    ...DEFAULT_TRAINING,
    ...options,
    shardedGradients: sharded,
  });
}

/**
 * A group of one replica, in this thread. A particle network's holds every part of
 * {@link GRADIENT_SHARDS}, so that it trains as over replicas. A model without an
 * InteractionLayer (the dense baseline) never trains over replicas, and takes each batch whole:
 * through tfjs, a part costs about as much to dispatch as to compute.
 */
function localGroup(model: tf.LayersModel): ReplicaGroup {
  const shards = model.layers.some((l) => l instanceof InteractionLayer) ? GRADIENT_SHARDS : 1;
  const buffer = ReplicaGroup.allocate(shards, model.countParams() + 2);
  return new ReplicaGroup(buffer, 0, 1, shards);
}

/** The places of `layer`'s weights in the order of their names (see byName). */
function flatOrderOf(layer: InteractionLayer): number[] {
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  return byName(vars).map((v) => vars.indexOf(v));
}

/**
 * Adds the losses and gradients of this replica's parts `mine` of a batch of `n`, each weighted by
 * its samples, over the group's parts and divides by the batch: the mean over the whole batch,
 * the same in every replica, rounded to float32.
 */
function combineParts(
  group: ReplicaGroup,
  n: number,
  mine: number[],
  parts: FlatLossGradients[],
): FlatLossGradients {
  const flats = parts.map(({ loss, grads }, k) => {
    const [start, end] = shardRange(n, mine[k], group.shards);
    const weight = end - start;
    const flat = new Float64Array(1 + grads.length);
    flat[0] = loss * weight;
    for (let i = 0; i < grads.length; i++) flat[1 + i] = grads[i] * weight;
    return flat;
  });
  const total = group.sum(flats);
  const mean = new Float32Array(total.length - 1);
  for (let i = 0; i < mean.length; i++) mean[i] = total[1 + i] / n;
  return { loss: Math.fround(total[0] / n), grads: mean };
}
