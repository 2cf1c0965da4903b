/** Mean squared error of two equally long arrays. */
export function mse(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length)
    throw new Error(`mse: ${pred.length} predictions for ${target.length} targets`);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - target[i]) ** 2;
  return s / pred.length;
}

/**
 * The particle challenge's score, `(MegaParams * MSE) ** -0.5`: halving the parameters is worth as
 * much as halving the error. Infinite for a model without parameters.
 *
 * @example
 * particleScore(470, 1.1e-4); // ≈ 4388
 */
export function particleScore(params: number, meanSquaredError: number): number {
  return ((params / 1e6) * meanSquaredError) ** -0.5;
}
