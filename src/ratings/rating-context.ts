import type { Movie } from "./data";
import {
  buildMovieFeatures,
  fitMovieFeatureSpec,
  type MovieFeatures,
  type MovieFeatureSpec,
} from "./movie-features";
import { textComponents } from "./text-features";
import type { MovieGroups } from "./user-features";

/** The movie table with its content features, shared by training and prediction. */
export interface RatingContext {
  movies: Movie[];
  /** The same movies by id. */
  movieById: ReadonlyMap<number, Movie>;
  /** Genre indices, collection and text components of each movie, for the rating-derived features. */
  groups: MovieGroups;
  features: MovieFeatures;
  spec: MovieFeatureSpec;
  /** Which embedding model made the overview features, or null when they are not used. */
  embeddingModel: string | null;
}

/**
 * Builds the context from `df_movies` and, if used, the overview embeddings in the same row order.
 * The embedding enters as whitened principal components (see textComponents) from which the
 * rating features learn out-of-fold, not as raw content columns the network could memorise.
 */
export function buildRatingContext(
  movies: Movie[],
  embedding?: { vectors: Float32Array; dim: number; model: string },
): RatingContext {
  const spec = fitMovieFeatureSpec(movies);
  const features = buildMovieFeatures(movies, spec);
  const text = embedding
    ? textComponents(
        movies.map((m) => m.movieId),
        embedding.vectors,
        embedding.dim,
      )
    : undefined;
  const genresById = new Map(
    movies.map((m) => [
      m.movieId,
      m.genres.map((g) => spec.genres.indexOf(g)).filter((g) => g >= 0),
    ]),
  );
  const collectionById = new Map(movies.map((m) => [m.movieId, m.collection]));
  return {
    movies,
    movieById: new Map(movies.map((m) => [m.movieId, m])),
    groups: {
      genresOf: (id) => genresById.get(id) ?? [],
      collectionOf: (id) => collectionById.get(id) ?? null,
      nGenres: spec.genres.length,
      textOf: text ? (id) => text.get(id) : undefined,
      textDim: text ? (text.values().next().value?.length ?? 0) : 0,
    },
    features,
    spec,
    embeddingModel: embedding?.model ?? null,
  };
}
