/**
 * Sum of squared differences of two equally long arrays (the numerator of {@link mse}; a
 * data-parallel validation adds these over its parts).
 *
 * @example
 * squaredErrorSum([1, 2], [1, 4]); // 4
 */
export function squaredErrorSum(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length)
    throw new Error(`mse: ${pred.length} predictions for ${target.length} targets`);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - target[i]) ** 2;
  return s;
}

/**
 * Mean squared error of two equally long arrays.
 *
 * @example
 * mse([1, 2], [1, 4]); // 2
 */
export function mse(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  return squaredErrorSum(pred, target) / pred.length;
}
