import { CholeskyDecomposition } from "ml-matrix";

import { crossProducts } from "./cross-products";

/** Penalties and output count of {@link fitRidge}. */
export interface RidgeOptions {
  /** Outputs per row of `y` (columns of the weights); 1 by default. */
  outputs?: number;
  /** Penalty on the intercept, times n; tiny by default, for a well-posed system. */
  interceptLambda?: number;
}

/**
 * Ridge regression with an intercept, by the normal equations: minimises
 * ‖X W + 1 w0 − Y‖² + λ n ‖W‖² + λ0 n ‖w0‖², solved with ml-matrix's Cholesky decomposition.
 * X is row-major (n × p), Y row-major (n × outputs). Returns the (p + 1) × outputs weights,
 * row-major, the intercept row last.
 *
 * @example
 * const w = fitRidge(x, y, n, 3, 1e-3); // w[0..2] weights, w[3] intercept
 * const lin = fitRidge(x, y, n, 28, 1e-8, { outputs: 12, interceptLambda: 1e-8 }); // (29 × 12)
 */
export function fitRidge(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  p: number,
  lambda: number,
  options: RidgeOptions = {},
): Float64Array {
  const m = options.outputs ?? 1;
  if (x.length !== n * p || y.length !== n * m)
    throw new Error(
      `fitRidge: ${x.length} inputs and ${y.length} targets for ${n} rows of ${p} inputs and ${m} outputs`,
    );
  const { xtx: gram, xty } = crossProducts(x, n, p, { y, outputs: m, intercept: true });
  for (let j = 0; j < p; j++) gram.set(j, j, gram.get(j, j) + lambda * n);
  gram.set(p, p, gram.get(p, p) + (options.interceptLambda ?? 1e-9) * n);
  const cholesky = new CholeskyDecomposition(gram);
  if (!cholesky.isPositiveDefinite())
    throw new Error(
      `fitRidge: the normal equations are singular (${n} rows, ${p} inputs, λ = ${lambda}); raise λ`,
    );
  return Float64Array.from(cholesky.solve(xty!).to1DArray());
}

/**
 * Applies ridge weights from {@link fitRidge} to row-major inputs (n × p); returns (n × outputs).
 *
 * @example
 * const pred = applyRidge(w, xTest, nTest, 3); // one output per row
 */
export function applyRidge(
  weights: ArrayLike<number>,
  x: ArrayLike<number>,
  n: number,
  p: number,
  outputs = 1,
): Float64Array {
  const out = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < outputs; o++) {
      let v = weights[p * outputs + o];
      for (let j = 0; j < p; j++) v += x[i * p + j] * weights[j * outputs + o];
      out[i * outputs + o] = v;
    }
  return out;
}
