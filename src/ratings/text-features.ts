import { pca } from "../embeddings/projection";

/** How many principal components of the overview embedding the rating features read. */
export const TEXT_COMPONENTS = 16;

/**
 * The top `k` principal components of each movie's overview embedding, whitened (unit variance per
 * component), by movie id: the compact text description the rating features are learned from.
 *
 * @example
 * const text = textComponents(movies.map((m) => m.movieId), emb.vectors, emb.dim);
 */
export function textComponents(
  movieIds: readonly number[],
  vectors: Float32Array,
  dim: number,
  k = TEXT_COMPONENTS,
): Map<number, Float32Array> {
  const n = movieIds.length;
  if (vectors.length !== n * dim)
    throw new Error(`textComponents: ${vectors.length} values for ${n} movies × ${dim} dimensions`);
  const kk = Math.min(k, dim);
  const coords = pca(vectors, dim, kk);
  const sd = new Float64Array(kk);
  for (let i = 0; i < n; i++) for (let c = 0; c < kk; c++) sd[c] += coords[i * kk + c] ** 2 / n;
  for (let c = 0; c < kk; c++) sd[c] = Math.sqrt(sd[c]) || 1;
  return new Map(
    movieIds.map((id, i) => [
      id,
      Float32Array.from({ length: kk }, (_, c) => coords[i * kk + c] / sd[c]),
    ]),
  );
}
