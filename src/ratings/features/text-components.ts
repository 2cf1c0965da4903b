import { fitPca, type PcaProjection, projectPca } from "../../math/pca";
import { standardDeviation } from "../../math/statistics";

/** How many principal components of the overview embedding the rating features read. */
export const TEXT_COMPONENTS = 16;

/**
 * How overview embeddings become text components: a fitted PCA plus the spread of each component
 * on the movies it was fitted on (for whitening). Saved with a rating model, so that movies added
 * later are projected exactly as at training time.
 */
export interface TextProjection extends PcaProjection {
  /** Standard deviation of each component on the fitting movies (1 where it is 0). */
  scale: number[];
}

/**
 * Fits the text projection on a movie table's embeddings (row-major, movies × dim): the top `k`
 * principal components and their spreads.
 *
 * @example
 * const projection = fitTextProjection(emb.vectors, emb.dim);
 */
export function fitTextProjection(
  vectors: Float32Array,
  dim: number,
  k = TEXT_COMPONENTS,
): TextProjection {
  const pca = fitPca(vectors, dim, k);
  const coords = projectPca(pca, vectors);
  const n = coords.length / pca.k;
  const scale = Array.from(
    { length: pca.k },
    (_, c) =>
      standardDeviation(Float64Array.from({ length: n }, (_, i) => coords[i * pca.k + c])) || 1,
  );
  return { ...pca, scale };
}

/**
 * The whitened text components (unit variance on the fitting movies) of each movie's overview
 * embedding, by movie id: the compact text description the rating features are learned from.
 *
 * @example
 * const text = textComponents(movies.map((m) => m.movieId), emb.vectors, projection);
 */
export function textComponents(
  movieIds: readonly number[],
  vectors: Float32Array,
  projection: TextProjection,
): Map<number, Float32Array> {
  const { dim, k, scale } = projection;
  if (vectors.length !== movieIds.length * dim)
    throw new Error(
      `textComponents: ${vectors.length} values for ${movieIds.length} movies × ${dim} dimensions`,
    );
  const coords = projectPca(projection, vectors);
  return new Map(
    movieIds.map((id, i) => [
      id,
      Float32Array.from({ length: k }, (_, c) => coords[i * k + c] / scale[c]),
    ]),
  );
}
