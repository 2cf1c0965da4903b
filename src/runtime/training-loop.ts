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
  /**
   * "plateau" halves the learning rate after `lrPatience` epochs without improvement; "cosine"
   * lowers it from `learningRate` to `minLearningRate` along half a cosine over `epochs`.
   */
  schedule?: "plateau" | "cosine";
  seed: number;
  /**
   * For a model with {@link RowSparseTable} layers: the table row each sample looks up. Those
   * tables then train by rows (only the rows of a batch change) instead of as dense weights.
   */
  rowsOf?: (indices: number[]) => Int32Array;
  /** Called after every epoch (progress lines, learning curves). */
  onEpoch?: (log: EpochLog) => void;
}

/**
 * A layer holding a table trained by rows: the loop leaves its weight out of the dense optimizer
 * and hands each batch's row gradients to it instead (see UserLookup).
 */
export interface RowSparseTable {
  /** The table's weight. */
  readonly rowVariable: tf.LayerVariable;
  /** Starts training; `penaltyScale[row]` = batches per epoch / the row's lookups per epoch. */
  startRowTraining(penaltyScale: Float32Array): void;
  /** Starts a batch of `batchSize` lookups: returns a variable whose gradient is the rows' gradient. */
  beginRowBatch(batchSize: number): tf.Variable;
  /** Applies the batch's row gradients; `rows` are the rows the batch looked up, in batch order. */
  endRowBatch(rows: Int32Array, gradient: tf.Tensor, learningRate: number): void;
  /** Brings the table's weight up to date (after each epoch, before validation and snapshots). */
  syncRowTable(): void;
  /** Ends training. */
  stopRowTraining(): void;
}

/** The model's layers that train by rows. */
function rowSparseTables(model: tf.LayersModel): RowSparseTable[] {
  return model.layers.filter((l) => "beginRowBatch" in l) as unknown as RowSparseTable[];
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
  const tables = o.rowsOf ? rowSparseTables(model) : [];
  const byRows = new Set(tables.map((t) => t.rowVariable));
  const vars = model.trainableWeights
    .filter((w) => !byRows.has(w))
    .map((w) => w.read() as tf.Variable);
  let lr = o.learningRate;
  const optimizer = tf.train.adam(lr);
  const history: EpochLog[] = [];
  let best = { epoch: -1, valLoss: Infinity, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  let sinceLr = 0;
  const order = Array.from({ length: n }, (_, i) => i);
  if (tables.length > 0) {
    const lookups = new Float32Array(
      Math.max(0, ...tables.map((t) => t.rowVariable.shape[0] ?? 0)),
    );
    for (const r of o.rowsOf!(order)) lookups[r]++;
    const batches = Math.ceil(n / o.batchSize);
    const scale = lookups.map((c) => (c > 0 ? batches / c : 0));
    tables.forEach((t) => t.startRowTraining(scale));
  }
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      if (o.schedule === "cosine") {
        lr = cosineRate(o, epoch);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
      }
      rng.shuffle(order);
      let lossSum = tf.scalar(0);
      for (let s = 0; s < n; s += o.batchSize) {
        const idx = order.slice(s, s + o.batchSize);
        const next = tables.length
          ? rowSparseStep(optimizer, vars, tables, o.rowsOf!(idx), () => batchLoss(idx), lr)
          : tf.tidy(() => optimizer.minimize(() => batchLoss(idx), true, vars) as tf.Scalar);
        const summed = tf.tidy(() => tf.add(lossSum, tf.mul(next, idx.length)) as tf.Scalar);
        next.dispose();
        lossSum.dispose();
        lossSum = summed;
        // Let the event loop run between batches, so that a server stays responsive while it trains.
        await yieldToEventLoop();
      }
      const loss = (await lossSum.data())[0] / n;
      lossSum.dispose();
      tables.forEach((t) => t.syncRowTable());
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
      if (o.schedule !== "cosine" && sinceLr >= o.lrPatience && lr > o.minLearningRate) {
        lr = Math.max(o.minLearningRate, lr / 2);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        sinceLr = 0;
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
    return { history, bestEpoch: best.epoch, bestValLoss: best.valLoss };
  } finally {
    tables.forEach((t) => t.stopRowTraining());
    best.weights.forEach((w) => w.dispose());
    optimizer.dispose();
  }
}

/** One batch with row-sparse tables: Adam on the dense weights, lazy Adam on the looked-up rows. */
function rowSparseStep(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  tables: RowSparseTable[],
  rows: Int32Array,
  loss: () => tf.Scalar,
  learningRate: number,
): tf.Scalar {
  const offsets = tables.map((t) => t.beginRowBatch(rows.length));
  return tf.tidy(() => {
    const { value, grads } = optimizer.computeGradients(loss, [...vars, ...offsets]);
    optimizer.applyGradients(Object.fromEntries(vars.map((v) => [v.name, grads[v.name]])));
    tables.forEach((t, k) => t.endRowBatch(rows, grads[offsets[k].name], learningRate));
    return value;
  });
}

/** The learning rate of `epoch` (1-based) on the cosine schedule. */
export function cosineRate(
  o: Pick<LoopOptions, "learningRate" | "minLearningRate" | "epochs">,
  epoch: number,
): number {
  const t = o.epochs > 1 ? (epoch - 1) / (o.epochs - 1) : 1;
  return (
    o.minLearningRate + 0.5 * (o.learningRate - o.minLearningRate) * (1 + Math.cos(Math.PI * t))
  );
}
