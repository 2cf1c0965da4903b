import { SeededRandom } from "../../random/seeded";

/**
 * Assigns each distinct movie id a fold in [0, k): sorted, shuffled with `seed`, dealt in turn.
 * Every rating of a movie then shares its fold, as the ratings of a new movie are all unseen at
 * once. Used by cross-validation and by the out-of-fold features.
 *
 * @example
 * const foldOf = assignMovieFolds(ratings.movieId, 5); // foldOf.get(31) in 0..4
 */
export function assignMovieFolds(
  movieIds: Iterable<number>,
  k: number,
  seed = 0,
): Map<number, number> {
  const movies = [...new Set(movieIds)].sort((a, b) => a - b);
  const foldOf = new Map<number, number>();
  new SeededRandom(seed).shuffle(movies).forEach((m, i) => foldOf.set(m, i % k));
  return foldOf;
}
