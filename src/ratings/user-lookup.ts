import * as tf from "@tensorflow/tfjs";

/** Settings of a {@link UserLookup} layer. */
export interface UserLookupConfig {
  /** Rows of the table: known users plus row 0 for users unseen in training. */
  rows: number;
  /** Numbers per user (the user vector's length, or 1 for a bias). */
  width: number;
  /** Standard deviation of the initial values; 0 starts every row at zero. */
  initStddev: number;
  seed: number;
  /** L2 penalty on the table (its `regularizer`). */
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
 * the rating network. Cost per batch grows with the batch, not with the number of users (a one-hot
 * input times a matrix, its predecessor, made every batch row as wide as the user count). Input:
 * (batch, 1) int32 indices; output: (batch, width).
 *
 * @example
 * const userVec = new UserLookup({ rows: 672, width: 16, initStddev: 0.05, seed: 5, l2: 3e-4 }).apply(userIn);
 */
export class UserLookup extends tf.layers.Layer {
  /** The name tfjs serialises the layer under. */
  static className = "UserLookup";
  private table?: tf.LayerVariable;

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
      tf.regularizers.l2({ l2: this.cfg.l2 }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], this.cfg.width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const index = (Array.isArray(inputs) ? inputs[0] : inputs).reshape([-1]).toInt();
    return lookup(this.table!.read(), index);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
tf.serialization.registerClass(UserLookup);
