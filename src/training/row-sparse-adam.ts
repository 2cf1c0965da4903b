import {
  ADAM_BETA1 as BETA1,
  ADAM_BETA2 as BETA2,
  ADAM_EPSILON as EPSILON,
} from "./adam-constants";

/**
 * Lazy Adam for a table trained by rows (the user vectors): a step updates only the rows a batch
 * looked up, so its cost grows with the batch, not with the table. The moments of the other rows
 * wait until their row comes back, as in TensorFlow's LazyAdam, and each row's bias correction
 * counts that row's own steps (with the global step, as LazyAdam does, a rarely seen row moved
 * too little: a worse 5-fold CV MSE). An L2 penalty `l2 * sum(row²)` on the whole table, which dense training applies to every row
 * in every batch, is applied to a row when it is looked up, scaled by `penaltyScale[row]` (batches
 * per epoch over the row's lookups per epoch) so that each row gets the same pull per epoch.
 * Written here because tfjs's optimizers update whole variables and have no sparse update.
 *
 * @example
 * const adam = new RowSparseAdam(table, 16, 3e-4, scale); // table: Float32Array(rows * 16)
 * adam.step(Int32Array.of(4, 9, 4), batchGradient, 1e-3); // row 4's two gradients are summed
 */
export class RowSparseAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly rowSteps: Int32Array;

  /**
   * @param values The table, row-major (rows × width); updated in place.
   * @param width Numbers per row.
   * @param l2 The L2 penalty of the whole table.
   * @param penaltyScale Per row, how much of a dense epoch's penalty one lookup applies.
   */
  constructor(
    readonly values: Float32Array,
    private readonly width: number,
    private readonly l2: number,
    private readonly penaltyScale: Float32Array,
  ) {
    this.m = new Float32Array(values.length);
    this.v = new Float32Array(values.length);
    this.rowSteps = new Int32Array(values.length / width);
  }

  /**
   * One step: `gradient` (batch × width, row-major) holds the loss gradient of each looked-up row,
   * `rows` which row each batch entry looked up. Returns the rows it changed, once each.
   */
  step(rows: Int32Array, gradient: Float32Array, learningRate: number): Int32Array {
    const w = this.width;
    const sum = new Map<number, Float64Array>();
    rows.forEach((r, k) => {
      let g = sum.get(r);
      if (!g) sum.set(r, (g = new Float64Array(w)));
      for (let j = 0; j < w; j++) g[j] += gradient[k * w + j];
    });
    for (const [r, g] of sum) {
      const penalty = 2 * this.l2 * this.penaltyScale[r];
      const steps = ++this.rowSteps[r];
      const rate = learningRate / (1 - BETA1 ** steps);
      const vCorrection = 1 - BETA2 ** steps;
      for (let j = 0; j < w; j++) {
        const i = r * w + j;
        const gi = g[j] + penalty * this.values[i];
        this.m[i] = BETA1 * this.m[i] + (1 - BETA1) * gi;
        this.v[i] = BETA2 * this.v[i] + (1 - BETA2) * gi * gi;
        this.values[i] -= (rate * this.m[i]) / (Math.sqrt(this.v[i] / vCorrection) + EPSILON);
      }
    }
    return Int32Array.from(sum.keys());
  }
}
