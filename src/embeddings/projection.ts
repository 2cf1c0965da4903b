import { SeededRandom } from "../random/seeded";

/**
 * Projects rows of a (n × dim) matrix onto their top `k` principal components (power iteration
 * with deflation on the covariance); returns (n × k) coordinates, row-major.
 *
 * @example
 * const xy = pca(vectors, 768, 2); // xy[2 * i], xy[2 * i + 1] for row i
 */
export function pca(vectors: Float32Array, dim: number, k = 2, seed = 1): Float64Array {
  const n = vectors.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += vectors[i * dim + d] / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = vectors[i * dim + d] - mean[d];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];
  const rng = new SeededRandom(seed);
  const components: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    let v = Float64Array.from({ length: dim }, () => rng.normal());
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b] * v[b];
        w[a] = s;
      }
      for (const u of components) {
        const dot = w.reduce((s, x, d) => s + x * u[d], 0);
        for (let d = 0; d < dim; d++) w[d] -= dot * u[d];
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    components.push(v);
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[i * dim + d] - mean[d]) * components[c][d];
      out[i * k + c] = s;
    }
  return out;
}

/** The `k` rows most similar to row `query` by cosine similarity (the query itself excluded). */
export function nearestNeighbours(
  vectors: Float32Array,
  dim: number,
  query: number,
  k = 5,
): { row: number; similarity: number }[] {
  const n = vectors.length / dim;
  const norm = (i: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[i * dim + d] ** 2;
    return Math.sqrt(s) || 1;
  };
  const qn = norm(query);
  const scored: { row: number; similarity: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i === query) continue;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += vectors[i * dim + d] * vectors[query * dim + d];
    scored.push({ row: i, similarity: dot / (qn * norm(i)) });
  }
  return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}
