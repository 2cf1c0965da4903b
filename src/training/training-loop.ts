import * as tf from "@tensorflow/tfjs";

import { SeededRandom } from "../random/seeded";
import { yieldToEventLoop } from "../runtime/event-loop";
import { EarlyStopping } from "./early-stopping";
import { gradientNorm, RelativeGradientClip, sumOfSquares } from "./gradient-clip";
import { cosineSchedule, plateauSchedule } from "./learning-rate-schedule";
import { ScheduledAdam } from "./scheduled-adam";

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
  /**
   * A batch's gradient summed from parts, each part's computed by itself (see ShardedGradients):
   * for data-parallel training over replicas, and for a result that does not depend on how many
   * replicas there are. Not for row-sparse models.
   */
  shardedGradients?: ShardedGradients;
  /**
   * Clip each batch's gradient (dense weights, after any reduction over replicas) to this many
   * times the running average of the norms before it (see RelativeGradientClip); 0 or absent: no
   * clipping.
   */
  clipGradients?: number;
}

/**
 * A loss and its gradients with respect to the dense weights, flat: every weight's gradient in
 * turn, the weights in the order of their names, sorted (see {@link byName}). The loss is a
 * float32 value, as a tfjs scalar holds it.
 */
export interface FlatLossGradients {
  loss: number;
  grads: Float32Array;
}

/**
 * A batch's gradient as a sum of parts: the loop computes the loss and gradients of each part
 * this thread takes (`parts`), each by itself, and `combine` turns them into the whole batch's
 * (over replicas, see ReplicaGroup); every replica must get the same totals. The gradients stay
 * plain arrays from part to step: a step of a small network makes no tensor but its weights'.
 */
export interface ShardedGradients {
  /** The parts of the batch `indices` this thread computes, in order (each one loss). */
  parts: (indices: number[]) => number[][];
  /**
   * A part's loss and gradients, when the model computes them itself; absent, tfjs's gradients of
   * the loop's `batchLoss` on the part.
   */
  gradientsOf?: (part: number[]) => FlatLossGradients;
  /** The whole batch's loss and gradients from this thread's parts', in the order of `parts`. */
  combine: (indices: number[], parts: FlatLossGradients[]) => FlatLossGradients;
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
 * The project's training loop: Adam on `batchLoss` over seeded mini-batches of `n` samples, the
 * learning rate on a schedule (halved on plateaus, or a cosine), early stopping, and the weights
 * of the best validation epoch restored. `batchLoss(indices)` builds a batch's loss (inside a
 * tidy); `validate()` returns the validation loss as a number.
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
  const vars = byName(
    model.trainableWeights.filter((w) => !byRows.has(w)).map((w) => w.read() as tf.Variable),
  );
  const schedule =
    o.schedule === "cosine" ? cosineSchedule(o) : plateauSchedule({ ...o, patience: o.lrPatience });
  const optimizer = new ScheduledAdam(o.learningRate);
  const clip = o.clipGradients ? new RelativeGradientClip(o.clipGradients) : undefined;
  const stopping = new EarlyStopping(model, o.patience);
  const history: EpochLog[] = [];
  const order = Array.from({ length: n }, (_, i) => i);
  if (tables.length > 0) startRowTraining(tables, o.rowsOf!(order), Math.ceil(n / o.batchSize));
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      const learningRate = schedule.rateFor(epoch);
      optimizer.setLearningRate(learningRate);
      rng.shuffle(order);
      const loss = await trainOneEpoch(order, o.batchSize, (idx) =>
        tables.length
          ? rowSparseStep(
              optimizer,
              vars,
              tables,
              o.rowsOf!(idx),
              () => batchLoss(idx),
              learningRate,
            )
          : denseStep(optimizer, vars, batchLoss, idx, o.shardedGradients, clip),
      );
      tables.forEach((t) => t.syncRowTable());
      const valLoss = validate();
      const log = { epoch, loss, valLoss, learningRate, seconds: (Date.now() - started) / 1000 };
      history.push(log);
      o.onEpoch?.(log);
      const stop = stopping.epochEnded(epoch, valLoss);
      schedule.epochEnded(stopping.improved);
      if (stop) break;
    }
    stopping.restoreBest();
    return { history, bestEpoch: stopping.bestEpoch, bestValLoss: stopping.bestLoss };
  } finally {
    tables.forEach((t) => t.stopRowTraining());
    stopping.dispose();
    optimizer.dispose();
  }
}

/**
 * Starts the row-sparse tables: each row's penalty scale is the batches per epoch over the row's
 * lookups per epoch, so every row gets the same L2 pull per epoch (see RowSparseAdam).
 */
function startRowTraining(tables: RowSparseTable[], rows: Int32Array, batches: number): void {
  const lookups = new Float32Array(Math.max(0, ...tables.map((t) => t.rowVariable.shape[0] ?? 0)));
  for (const r of rows) lookups[r]++;
  const scale = lookups.map((c) => (c > 0 ? batches / c : 0));
  tables.forEach((t) => t.startRowTraining(scale));
}

/**
 * One pass over `order` in batches of `batchSize`, `step` training on each; resolves with the
 * mean training loss. The event loop runs between batches, so that a server stays responsive.
 * The batches' losses are added up as tfjs would add float32 scalars: each times its batch size,
 * rounded to float32, and the sum rounded at each step.
 */
async function trainOneEpoch(
  order: number[],
  batchSize: number,
  step: (indices: number[]) => number | tf.Scalar,
): Promise<number> {
  const f = Math.fround;
  let lossSum = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    const next = step(idx);
    let loss: number;
    if (typeof next === "number") loss = next;
    else {
      loss = next.dataSync()[0];
      next.dispose();
    }
    lossSum = f(lossSum + f(loss * idx.length));
    await yieldToEventLoop();
  }
  return lossSum / order.length;
}

/**
 * One batch of dense weights: Adam on the batch's gradients, summed from parts when asked (see
 * ShardedGradients) and clipped when asked. Returns the batch's loss.
 */
function denseStep(
  optimizer: ScheduledAdam,
  vars: tf.Variable[],
  batchLoss: (indices: number[]) => tf.Scalar,
  indices: number[],
  sharded?: ShardedGradients,
  clip?: RelativeGradientClip,
): number | tf.Scalar {
  if (sharded) {
    const gradientsOf =
      sharded.gradientsOf ??
      ((part: number[]): FlatLossGradients => {
        let flat: FlatLossGradients | undefined;
        tf.tidy(() => {
          const { value, grads } = optimizer.computeGradients(() => batchLoss(part), vars);
          flat = { loss: value.dataSync()[0], grads: flatGradients(vars, grads) };
        });
        return flat!;
      });
    const whole = sharded.combine(indices, sharded.parts(indices).map(gradientsOf));
    const scale = clip ? clip.scaleFor(Math.sqrt(sumOfSquares(whole.grads))) : 1;
    if (scale === 0) return whole.loss; // a gradient that is not finite: no step
    if (scale < 1) {
      // tf.mul's float32 product: the exact product of two float32 numbers, rounded.
      const s = Math.fround(scale);
      for (let i = 0; i < whole.grads.length; i++) whole.grads[i] = Math.fround(whole.grads[i] * s);
    }
    optimizer.applyFlat(vars, whole.grads);
    return whole.loss;
  }
  if (!clip)
    return tf.tidy(() => optimizer.minimize(() => batchLoss(indices), true, vars) as tf.Scalar);
  return tf.tidy(() => {
    const { value, grads } = optimizer.computeGradients(() => batchLoss(indices), vars);
    const scale = clip.scaleFor(gradientNorm(grads));
    if (scale === 0) return value; // a gradient that is not finite: no step
    if (scale < 1) for (const name of Object.keys(grads)) grads[name] = tf.mul(grads[name], scale);
    (optimizer as tf.Optimizer).applyGradients(grads);
    return value;
  });
}

/**
 * `vars` in the order of their names, sorted: the order of a flat gradient (see
 * FlatLossGradients) and of a gradient norm's sum (see gradientNorm).
 *
 * @example
 * byName([b, a]); // [a, b] for variables named "a" and "b"
 */
export function byName(vars: tf.Variable[]): tf.Variable[] {
  return [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The gradients of `vars` (in the order byName gives) one after the other, as float32. */
function flatGradients(vars: tf.Variable[], grads: tf.NamedTensorMap): Float32Array {
  const flat = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
  let at = 0;
  for (const v of vars) {
    flat.set(grads[v.name].dataSync() as Float32Array, at);
    at += v.size;
  }
  return flat;
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
