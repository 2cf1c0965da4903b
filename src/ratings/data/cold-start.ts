import type { Movie, RatingQueries, Ratings } from "./rating-tables";

/**
 * One check of the cold-start split: how many of the test's ids pass it, of how many. (A type,
 * not an interface, so that it is a table row: `showTable` takes string-keyed records.)
 */
export type SplitCheck = {
  check: string;
  count: number;
  of: number;
};

/**
 * What the challenge promises about its split, counted: test movies also in train (none, for
 * a cold-start split), test users also in train (all), test movies with metadata (all).
 *
 * @example
 * showTable(coldStartChecks(readRatings(), readQueries(), readMovies()));
 */
export function coldStartChecks(train: Ratings, test: RatingQueries, movies: Movie[]): SplitCheck[] {
  const trainMovies = new Set(train.movieId);
  const trainUsers = new Set(train.userId);
  const known = new Set(movies.map((m) => m.movieId));
  const testMovies = [...new Set(test.movieId)];
  const testUsers = [...new Set(test.userId)];
  const check = (name: string, ids: number[], keep: (id: number) => boolean): SplitCheck => ({
    check: name,
    count: ids.filter(keep).length,
    of: ids.length,
  });
  return [
    check("test movies also in train", testMovies, (m) => trainMovies.has(m)),
    check("test users also in train", testUsers, (u) => trainUsers.has(u)),
    check("test movies with metadata", testMovies, (m) => known.has(m)),
  ];
}
