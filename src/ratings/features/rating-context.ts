import type { Movie } from "../data/rating-tables";
import {
  buildMovieFeatures,
  fitMovieFeatureSpec,
  type MovieFeatures,
  type MovieFeatureSpec,
} from "./movie-features";
import { fitTextProjection, textComponents, type TextProjection } from "./text-components";
import type { MovieGroups } from "./user-features";

/** Overview embeddings of a movie table, in its row order, and the model that made them. */
export interface OverviewEmbeddings {
  /** Row-major (movies × dim). */
  vectors: Float32Array;
  dim: number;
  /** Hub id or folder of the embedding model. */
  model: string;
  /** True for the random-weight test model: the vectors carry no meaning. */
  isTestModel?: boolean;
}

/**
 * Everything the content features are computed from, fitted on one movie table: saved with a
 * rating model, so that a model loaded beside a longer `df_movies` computes the same features for
 * the movies it knew, and places new movies by the same scales, vocabularies and projection.
 */
export interface RatingFeatureSpec {
  movies: MovieFeatureSpec;
  /** The overview embedding's projection, or null when the embedding is not used. */
  text: TextProjection | null;
}

/** The movie table with its content features, shared by training and prediction. */
export interface RatingContext {
  movies: Movie[];
  /** The same movies by id. */
  movieById: ReadonlyMap<number, Movie>;
  /** Genre indices, collection and text components of each movie, for the rating-derived features. */
  groups: MovieGroups;
  features: MovieFeatures;
  spec: RatingFeatureSpec;
  /** The overview embeddings, or null when they are not used. */
  embedding: OverviewEmbeddings | null;
  /** Which embedding model made the overview features, or null when they are not used. */
  embeddingModel: string | null;
}

/**
 * Builds the context from `df_movies` and, if used, the overview embeddings in the same row order.
 * Without `spec`, the feature spec is fitted on these movies; with one (a saved model's), it is
 * applied as it is. The embedding enters as whitened principal components (see textComponents)
 * from which the rating features learn out-of-fold, not as raw content columns the network could
 * memorise.
 *
 * @example
 * const ctx = buildRatingContext(readMovies());
 * const same = buildRatingContext([...readMovies(), ...newMovies], undefined, ctx.spec);
 */
export function buildRatingContext(
  movies: Movie[],
  embedding?: OverviewEmbeddings,
  spec?: RatingFeatureSpec,
): RatingContext {
  if (spec && Boolean(spec.text) !== Boolean(embedding))
    throw new Error(
      spec.text
        ? "the feature spec projects overview embeddings, but none were given"
        : "the feature spec has no text projection, but overview embeddings were given",
    );
  if (spec?.text && embedding && spec.text.dim !== embedding.dim)
    throw new Error(
      `the feature spec projects ${spec.text.dim}-dimensional embeddings, got ${embedding.dim}`,
    );
  const fitted: RatingFeatureSpec = spec ?? {
    movies: fitMovieFeatureSpec(movies),
    text: embedding ? fitTextProjection(embedding.vectors, embedding.dim) : null,
  };
  const features = buildMovieFeatures(movies, fitted.movies);
  const text =
    embedding && fitted.text
      ? textComponents(
          movies.map((m) => m.movieId),
          embedding.vectors,
          fitted.text,
        )
      : undefined;
  const { genres } = fitted.movies;
  const genresById = new Map(
    movies.map((m) => [m.movieId, m.genres.map((g) => genres.indexOf(g)).filter((g) => g >= 0)]),
  );
  const collectionById = new Map(movies.map((m) => [m.movieId, m.collection]));
  return {
    movies,
    movieById: new Map(movies.map((m) => [m.movieId, m])),
    groups: {
      genresOf: (id) => genresById.get(id) ?? [],
      collectionOf: (id) => collectionById.get(id) ?? null,
      nGenres: genres.length,
      textOf: text ? (id) => text.get(id) : undefined,
      textDim: fitted.text?.k ?? 0,
    },
    features,
    spec: fitted,
    embedding: embedding ?? null,
    embeddingModel: embedding?.model ?? null,
  };
}
