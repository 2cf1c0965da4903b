import * as tf from "@tensorflow/tfjs";

import { SeededRandom } from "../random/seeded";
import { N_IN, N_OUT, N_PARTICLES } from "./data";

/** Samples as flat arrays: `x` is (n, 4, 7) and `y` (n, 4, 3), row-major. */
export interface Samples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** Training settings; defaults in {@link DEFAULT_TRAINING}. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  /** Halve the learning rate after this many epochs without improvement. */
  lrPatience: number;
  minLearningRate: number;
  seed: number;
  /** Called after every epoch (progress lines, learning curves). */
  onEpoch?: (log: EpochLog) => void;
}

/** One epoch of training: losses are MSE. */
export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss: number;
  learningRate: number;
  seconds: number;
}

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
  const n = x.length / (N_PARTICLES * N_IN);
  const out = new Float32Array(n * N_PARTICLES * N_OUT);
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const pred = tf.tidy(() => {
      const xb = tf.tensor3d(x.subarray(s * N_PARTICLES * N_IN, e * N_PARTICLES * N_IN), [
        e - s,
        N_PARTICLES,
        N_IN,
      ]);
      return model.predict(xb) as tf.Tensor;
    });
    out.set(pred.dataSync(), s * N_PARTICLES * N_OUT);
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
): Promise<{ history: EpochLog[]; bestEpoch: number; bestValLoss: number }> {
  const o = { ...DEFAULT_TRAINING, ...options };
  const rng = new SeededRandom(o.seed);
  const xAll = tf.tensor3d(train.x, [train.n, N_PARTICLES, N_IN]);
  const yAll = tf.tensor3d(train.y, [train.n, N_PARTICLES, N_OUT]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lr = o.learningRate;
  const optimizer = tf.train.adam(lr);
  const history: EpochLog[] = [];
  let best = { epoch: -1, valLoss: Infinity, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  let sinceLr = 0;
  const order = Array.from({ length: train.n }, (_, i) => i);
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      rng.shuffle(order);
      let lossSum = tf.scalar(0);
      for (let s = 0; s < train.n; s += o.batchSize) {
        const idx = order.slice(s, s + o.batchSize);
        const next = tf.tidy(() => {
          const it = tf.tensor1d(idx, "int32");
          const xb = tf.gather(xAll, it);
          const yb = tf.gather(yAll, it);
          const loss = optimizer.minimize(
            () => tf.losses.meanSquaredError(yb, model.apply(xb) as tf.Tensor) as tf.Scalar,
            true,
            vars,
          );
          return tf.add(lossSum, tf.mul(loss as tf.Scalar, idx.length)) as tf.Scalar;
        });
        lossSum.dispose();
        lossSum = next;
      }
      const loss = (await lossSum.data())[0] / train.n;
      lossSum.dispose();
      const valLoss = mseFlat(predictFlat(model, val.x), val.y);
      const log = {
        epoch,
        loss,
        valLoss,
        learningRate: lr,
        seconds: (Date.now() - started) / 1000,
      };
      history.push(log);
      o.onEpoch?.(log);
      if (valLoss < best.valLoss) {
        best.weights.forEach((w) => w.dispose());
        best = { epoch, valLoss, weights: model.getWeights().map((w) => w.clone()) };
        sinceBest = 0;
        sinceLr = 0;
      } else {
        sinceBest++;
        sinceLr++;
      }
      if (sinceBest >= o.patience) break;
      if (sinceLr >= o.lrPatience && lr > o.minLearningRate) {
        lr = Math.max(o.minLearningRate, lr / 2);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        sinceLr = 0;
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
    return { history, bestEpoch: best.epoch, bestValLoss: best.valLoss };
  } finally {
    best.weights.forEach((w) => w.dispose());
    xAll.dispose();
    yAll.dispose();
    optimizer.dispose();
  }
}

function mseFlat(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}
