import * as tf from "@tensorflow/tfjs";

import { SeededRandom } from "../random/seeded";
import { yieldToEventLoop } from "./event-loop";

/** Settings of {@link trainWithEarlyStopping}. */
export interface LoopOptions {
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

/** One epoch of training. */
export interface EpochLog {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  valLoss: number;
  learningRate: number;
  seconds: number;
}

/** What a training run returns. */
export interface LoopResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValLoss: number;
}

/**
 * The project's training loop: Adam on `batchLoss` over seeded mini-batches of `n` samples,
 * learning rate halved on plateaus, early stopping, and the weights of the best validation epoch
 * restored. `batchLoss(indices)` builds a batch's loss (inside a tidy); `validate()` returns the
 * validation loss as a number.
 */
export async function trainWithEarlyStopping(
  model: tf.LayersModel,
  n: number,
  batchLoss: (indices: number[]) => tf.Scalar,
  validate: () => number,
  o: LoopOptions,
): Promise<LoopResult> {
  const rng = new SeededRandom(o.seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lr = o.learningRate;
  const optimizer = tf.train.adam(lr);
  const history: EpochLog[] = [];
  let best = { epoch: -1, valLoss: Infinity, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  let sinceLr = 0;
  const order = Array.from({ length: n }, (_, i) => i);
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      rng.shuffle(order);
      let lossSum = tf.scalar(0);
      for (let s = 0; s < n; s += o.batchSize) {
        const idx = order.slice(s, s + o.batchSize);
        const next = tf.tidy(() => {
          const loss = optimizer.minimize(() => batchLoss(idx), true, vars) as tf.Scalar;
          return tf.add(lossSum, tf.mul(loss, idx.length)) as tf.Scalar;
        });
        lossSum.dispose();
        lossSum = next;
        // Let the event loop run between batches, so that a server stays responsive while it trains.
        await yieldToEventLoop();
      }
      const loss = (await lossSum.data())[0] / n;
      lossSum.dispose();
      const valLoss = validate();
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
    optimizer.dispose();
  }
}
