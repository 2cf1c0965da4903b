import type * as tf from "@tensorflow/tfjs";

/**
 * Clips each batch's gradient to at most `multiple` times the running average of the gradient
 * norms before it (an exponential average, of the norms as clipped, with weight `weight` on the
 * newest). Scale-free: the limit follows the gradients' own size, so one setting serves every data
 * set and every stage of training. It exists for the rare batch whose gradient is hundreds of
 * times the usual, as a close encounter of two particles can give: one such Adam step can throw a
 * trained network back to where it started. A gradient whose norm is not finite gets scale 0 (the
 * loop then skips the step). The first batch sets the average and is never clipped.
 *
 * Relative clipping of this kind is in the spirit of AutoClip (Seetharaman et al., 2020, a
 * percentile of the norms so far) and ZClip (2025, an exponential average and deviation).
 *
 * @example
 * const clip = new RelativeGradientClip(10);
 * clip.scaleFor(0.002); // 1: the first norm sets the average
 * clip.scaleFor(5.0); // 0.004: clipped to 10 × 0.002
 */
export class RelativeGradientClip {
  private average = 0;

  /** A clip at `multiple` times the running average, updated with weight `weight`. */
  constructor(
    readonly multiple: number,
    readonly weight = 0.01,
  ) {
    if (!(multiple > 1)) throw new Error(`gradient clip multiple must be above 1, not ${multiple}`);
    if (!(weight > 0 && weight <= 1))
      throw new Error(`average weight must be in (0, 1], not ${weight}`);
  }

  /** The factor, at most 1, to scale a gradient of norm `norm` by; updates the average. */
  scaleFor(norm: number): number {
    if (!Number.isFinite(norm)) return 0;
    if (norm === 0) return 1;
    if (this.average === 0) {
      this.average = norm;
      return 1;
    }
    const kept = Math.min(norm, this.multiple * this.average);
    this.average += this.weight * (kept - this.average);
    return kept / norm;
  }
}

/** The Euclidean norm of all of `grads` together, summed in the order of their sorted names. */
export function gradientNorm(grads: tf.NamedTensorMap): number {
  let sum = 0;
  for (const name of Object.keys(grads).sort())
    sum = sumOfSquares(grads[name].dataSync() as Float32Array, sum);
  return Math.sqrt(sum);
}

/**
 * `start` plus the squares of `values`, added in float64 in order: the sum under a gradient's
 * norm, whether it comes as tensors (gradientNorm) or flat.
 *
 * @example
 * Math.sqrt(sumOfSquares(Float32Array.of(3, 4))); // 5
 */
export function sumOfSquares(values: ArrayLike<number>, start = 0): number {
  let sum = start;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}
