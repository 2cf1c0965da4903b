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
