import { Matrix } from "ml-matrix";

/** What {@link crossProducts} computes. */
export interface CrossProducts {
  /** XᵀX, (p′ × p′) with p′ = p, plus one with an intercept column. */
  xtx: Matrix;
  /** XᵀY, (p′ × outputs); absent without targets. */
  xty?: Matrix;
}

/**
 * XᵀX (and XᵀY) of a row-major (n × p) matrix, optionally centred by column means or extended by
 * an intercept column of ones: the one place the project forms these sums, for ridge regression
 * and for the covariance behind PCA.
 *
 * Hand-written rather than ml-matrix's `mmul` on the transpose: one pass over the rows that fills
 * only the upper triangle needs no copy of the data as a Matrix, which on a matrix the size of the
 * overview embeddings is faster than ml-pca's own covariance. The results
 * are ml-matrix matrices, solved and decomposed there.
 *
 * @example
 * const { xtx, xty } = crossProducts(x, n, p, { y, outputs: 1, intercept: true });
 */
export function crossProducts(
  x: ArrayLike<number>,
  n: number,
  p: number,
  options: {
    y?: ArrayLike<number>;
    outputs?: number;
    intercept?: boolean;
    center?: ArrayLike<number>;
  } = {},
): CrossProducts {
  const { y, center } = options;
  const m = options.outputs ?? 1;
  const k = p + (options.intercept ? 1 : 0);
  const ata = new Float64Array(k * k);
  const aty = new Float64Array(k * m);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = x[i * p + j] - (center ? center[j] : 0);
    if (options.intercept) row[p] = 1;
    for (let a = 0; a < k; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < k; b++) ata[a * k + b] += ra * row[b];
      if (y) for (let o = 0; o < m; o++) aty[a * m + o] += ra * y[i * m + o];
    }
  }
  const xtx = new Matrix(k, k);
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      xtx.set(a, b, ata[a * k + b]);
      xtx.set(b, a, ata[a * k + b]);
    }
  if (!y) return { xtx };
  const xty = new Matrix(k, m);
  for (let a = 0; a < k; a++) for (let o = 0; o < m; o++) xty.set(a, o, aty[a * m + o]);
  return { xtx, xty };
}
