import type { GroupStats } from "../../math/statistics";
import type { Movie } from "./rating-tables";

/**
 * Movies with at least `minimum` ratings in train and at least `minimum` TMDB votes: each one's
 * TMDB vote average beside its mean rating in train, and its title.
 *
 * @example
 * const pairs = voteAverageAgainstRating(groupStats(train.movieId, train.rating), movieById);
 */
export function voteAverageAgainstRating(
  perMovie: Map<number, GroupStats>,
  movieById: Map<number, Movie>,
  minimum = 10,
): { vote: number; rating: number; title: string }[] {
  return [...perMovie].flatMap(([id, s]) => {
    const m = movieById.get(id);
    if (!m || s.count < minimum || m.voteAverage == null || (m.voteCount ?? 0) < minimum)
      return [];
    return [{ vote: m.voteAverage, rating: s.mean, title: m.title }];
  });
}
