import { PCA } from "ml-pca";

import { crossProducts } from "./cross-products";

/** A fitted principal-component projection: plain arrays, so that it can be saved with a model. */
export interface PcaProjection {
  /** Input width. */
  dim: number;
  /** Number of components kept. */
  k: number;
  /** Mean of each input column (length dim). */
  mean: number[];
  /** The k unit-length principal directions, largest variance first (k × dim). */
  components: number[][];
}

/**
 * Fits the top `k` principal components of the rows of a row-major (n × dim) matrix: the
 * covariance from {@link crossProducts}, its eigen-decomposition by ml-pca.
 *
 * @example
 * const projection = fitPca(vectors, 768, 16);
 * const coords = projectPca(projection, vectors); // (n × 16)
 */
export function fitPca(vectors: Float32Array, dim: number, k: number): PcaProjection {
  const n = vectors.length / dim;
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`fitPca: ${vectors.length} values do not make two or more rows of ${dim}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += vectors[i * dim + d] / n;
  const { xtx } = crossProducts(vectors, n, dim, { center: mean });
  const pca = new PCA(xtx.div(n - 1), { isCovarianceMatrix: true });
  const kk = Math.min(k, dim);
  const u = pca.getEigenvectors();
  return {
    dim,
    k: kk,
    mean: Array.from(mean),
    components: Array.from({ length: kk }, (_, c) => u.getColumn(c)),
  };
}

/**
 * Coordinates of row-major (n × dim) vectors along a fitted projection's components: (n × k),
 * row-major.
 */
export function projectPca(projection: PcaProjection, vectors: Float32Array): Float64Array {
  const { dim, k, mean, components } = projection;
  const n = vectors.length / dim;
  if (!Number.isInteger(n))
    throw new Error(`projectPca: ${vectors.length} values are not rows of ${dim}`);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      const w = components[c];
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[i * dim + d] - mean[d]) * w[d];
      out[i * k + c] = s;
    }
  return out;
}

/**
 * Projects rows of a (n × dim) matrix onto their own top `k` principal components: fit and
 * project in one call, for plots.
 *
 * @example
 * const xy = pca(vectors, 768, 2); // xy[2 * i], xy[2 * i + 1] for row i
 */
export function pca(vectors: Float32Array, dim: number, k = 2): Float64Array {
  return projectPca(fitPca(vectors, dim, k), vectors);
}
