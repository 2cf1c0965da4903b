import * as dfd from "danfojs-node";

import type { Movie, RatingQueries, Ratings } from "./rating-tables";

/**
 * Turns column records (ratings, queries, or movies) into a danfo DataFrame for exploration. Kept
 * apart from `rating-tables.ts` so that the server and the CLIs do not load danfojs-node, which is slow to load.
 *
 * @example
 * toDataFrame(readRatings()).head().print();
 */
export function toDataFrame(table: Ratings | RatingQueries | Movie[]): dfd.DataFrame {
  if (Array.isArray(table)) {
    const flat = table.map((m) => ({
      ...m,
      genres: m.genres.join("|"),
      productionCompanies: m.productionCompanies.join("|"),
      productionCountries: m.productionCountries.join("|"),
      spokenLanguages: m.spokenLanguages.join("|"),
    }));
    return new dfd.DataFrame(flat);
  }
  const cols: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(table)) cols[k] = Array.from(v as ArrayLike<number>);
  return new dfd.DataFrame(cols);
}

/**
 * One row per (rating, genre of the rated movie): the long table behind per-genre group-bys.
 *
 * @example
 * ratingsByGenre(train, movies).groupby(["genre"]).agg({ rating: ["count", "mean"] });
 */
export function ratingsByGenre(ratings: Ratings, movies: Movie[]): dfd.DataFrame {
  const genresOf = new Map(movies.map((m) => [m.movieId, m.genres]));
  const genre: string[] = [];
  const rating: number[] = [];
  ratings.movieId.forEach((id, i) => {
    for (const g of genresOf.get(id) ?? []) {
      genre.push(g);
      rating.push(ratings.rating[i]);
    }
  });
  return new dfd.DataFrame({ genre, rating });
}

/**
 * Each rating with its movie's release decade (ratings of movies without a year left out).
 *
 * @example
 * ratingsByDecade(train, movies).groupby(["decade"]).agg({ rating: ["count", "mean"] });
 */
export function ratingsByDecade(ratings: Ratings, movies: Movie[]): dfd.DataFrame {
  const yearOf = new Map(movies.map((m) => [m.movieId, m.releaseYear]));
  const decade: number[] = [];
  const rating: number[] = [];
  ratings.movieId.forEach((id, i) => {
    const y = yearOf.get(id);
    if (y == null) return;
    decade.push(Math.floor(y / 10) * 10);
    rating.push(ratings.rating[i]);
  });
  return new dfd.DataFrame({ decade, rating });
}

/** A group-by of ratings: each group's key, rating count and mean rating, in the frame's order. */
export interface RatingGroups<K extends string | number> {
  keys: K[];
  counts: number[];
  means: number[];
}

/**
 * Groups a long table of ratings (`ratingsByGenre`, `ratingsByDecade`) by `key` with danfo and
 * reads back each group's count and mean rating, ordered by count (largest first) or by key.
 *
 * @example
 * const genres = ratingGroups<string>(ratingsByGenre(train, movies), "genre", "count");
 */
export function ratingGroups<K extends string | number>(
  frame: dfd.DataFrame,
  key: string,
  order: "count" | "key",
): RatingGroups<K> {
  const grouped = frame.groupby([key]).agg({ rating: ["count", "mean"] });
  const sorted =
    order === "count"
      ? grouped.sortValues("rating_count", { ascending: false })
      : grouped.sortValues(key);
  return {
    keys: sorted.column(key).values as K[],
    counts: sorted.column("rating_count").values as number[],
    means: sorted.column("rating_mean").values as number[],
  };
}
