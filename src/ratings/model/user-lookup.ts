import * as tf from "@tensorflow/tfjs";

import { RowSparseAdam } from "../../training/row-sparse-adam";
import type { RowSparseTable } from "../../training/training-loop";

/** Settings of a {@link UserLookup} layer. */
export interface UserLookupConfig {
  /** Rows of the table: known users plus row 0 for users unseen in training. */
  rows: number;
  /** Numbers per user (the user vector's length, or 1 for a bias). */
  width: number;
  /** Standard deviation of the initial values; 0 starts every row at zero. */
  initStddev: number;
  seed: number;
  /** L2 penalty on the table, applied by rows while training (see RowSparseAdam). */
  l2: number;
  name?: string;
}

/**
 * Row `i` of `table` for each index `i`, with the gradient scattered back into the table by
 * `scatterND` (which sums repeated users): the gradient of `gather` is `UnsortedSegmentSum`, a
 * kernel the WebAssembly backend lacks, while `ScatterNd` it has.
 */
const lookup = tf.customGrad(((table: tf.Tensor, index: tf.Tensor, save: tf.GradSaveFunc) => {
  save([index]);
  return {
    value: tf.gather(table, index),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => [
      tf.scatterND(saved.expandDims(1), dy, table.shape),
      tf.zerosLike(saved),
    ],
  };
  // tfjs types the function's arguments as one rest list of tensors and the save function.
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  table: tf.Tensor,
  index: tf.Tensor,
) => tf.Tensor;

/**
 * A learned table with one row per user, looked up by user index: the user vectors and biases of
 * the rating network. It trains by rows ({@link RowSparseTable}): each batch updates the rows it
 * looked up and nothing else, so the cost of a batch grows with the batch, not with the number of
 * users, and memory with users × width. Input: (batch, 1) int32 indices; output: (batch, width).
 *
 * @example
 * const userVec = new UserLookup({ rows: 672, width: 16, initStddev: 0.05, seed: 5, l2: 3e-4 }).apply(userIn);
 */
export class UserLookup extends tf.layers.Layer implements RowSparseTable {
  /** The name tfjs serialises the layer under. */
  static className = "UserLookup";
  private table?: tf.LayerVariable;
  private adam?: RowSparseAdam;
  private offset?: tf.Variable;

  constructor(private readonly cfg: UserLookupConfig) {
    super({ name: cfg.name });
  }

  override build(): void {
    this.table = this.addWeight(
      "table",
      [this.cfg.rows, this.cfg.width],
      "float32",
      this.cfg.initStddev > 0
        ? tf.initializers.randomNormal({
            mean: 0,
            stddev: this.cfg.initStddev,
            seed: this.cfg.seed,
          })
        : tf.initializers.zeros(),
    );
    this.built = true;
  }

  /** The table's weight, which the dense optimizer leaves to {@link endRowBatch}. */
  get rowVariable(): tf.LayerVariable {
    return this.table!;
  }

  /** Starts training by rows from the table's current values. */
  startRowTraining(penaltyScale: Float32Array): void {
    const values = this.table!.read().dataSync() as Float32Array;
    this.adam = new RowSparseAdam(values.slice(), this.cfg.width, this.cfg.l2, penaltyScale);
  }

  /**
   * Starts a batch: while it lasts, the output is the looked-up rows plus a zero variable of shape
   * (batch, width), whose gradient is therefore the gradient of the looked-up rows.
   */
  beginRowBatch(batchSize: number): tf.Variable {
    // A variable shares its initial value's data and holds its own reference to it: the zeros
    // are disposed here, or every batch would leave (batch × width) floats behind.
    const zeros = tf.zeros([batchSize, this.cfg.width]);
    this.offset = tf.variable(zeros);
    zeros.dispose();
    return this.offset;
  }

  /** Ends the batch: one lazy Adam step on the looked-up `rows` with the offset's gradient. */
  endRowBatch(rows: Int32Array, gradient: tf.Tensor, learningRate: number): void {
    this.adam!.step(rows, gradient.dataSync() as Float32Array, learningRate);
    this.offset?.dispose();
    this.offset = undefined;
  }

  /** Copies the trained rows into the table's weight (once per epoch: saves and snapshots read it). */
  syncRowTable(): void {
    const values = tf.tensor2d(this.adam!.values, [this.cfg.rows, this.cfg.width]);
    this.table!.write(values);
    values.dispose();
  }

  /** Ends training by rows. */
  stopRowTraining(): void {
    this.offset?.dispose();
    this.offset = undefined;
    this.adam = undefined;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], this.cfg.width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const index = (Array.isArray(inputs) ? inputs[0] : inputs).reshape([-1]).toInt();
    if (!this.adam) return lookup(this.table!.read(), index);
    // Training by rows: the rows come from the optimizer's copy of the table, copied in
    // JavaScript, so that a batch never touches the rest of the table.
    const w = this.cfg.width;
    const ids = index.dataSync();
    const rows = new Float32Array(ids.length * w);
    ids.forEach((r, k) => rows.set(this.adam!.values.subarray(r * w, (r + 1) * w), k * w));
    const looked = tf.tensor2d(rows, [ids.length, w]);
    return this.offset ? tf.add(looked, this.offset) : looked;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
tf.serialization.registerClass(UserLookup);
