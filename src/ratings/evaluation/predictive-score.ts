/**
 * The challenge's predictive score of a rating MSE: `max(0, 1 - min(mse - 0.5, 1.5) / 1.5)`, 1 at
 * MSE 0.5 or below, 0 at 2 or above.
 *
 * @example
 * predictiveScore(0.69); // 0.873
 */
export function predictiveScore(mse: number): number {
  return Math.max(0, 1 - Math.min(mse - 0.5, 1.5) / 1.5);
}
