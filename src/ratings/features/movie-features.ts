import { mean, standardDeviation } from "../../math/statistics";
import type { Movie } from "../data/rating-tables";

/** Column names and per-movie rows of the content features (movie metadata). */
export interface MovieFeatures {
  /** Feature names, one per column. */
  names: string[];
  /** Row-major (movies × names.length), standardised; row order = `movieIds`. */
  values: Float32Array;
  movieIds: Int32Array;
  /** Row of each movie id. */
  rowOf: Map<number, number>;
}

/** How {@link buildMovieFeatures} turns metadata into numbers; saved with a model so that prediction repeats it. */
export interface MovieFeatureSpec {
  genres: string[];
  languages: string[];
  /** Mean and standard deviation of each numeric column, from the movies it was fitted on. */
  scale: Record<string, [number, number]>;
}

const NUMERIC = [
  "year",
  "runtime",
  "logBudget",
  "logRevenue",
  "logPopularity",
  "logVoteCount",
  "voteAverage",
] as const;

function numeric(m: Movie): Record<(typeof NUMERIC)[number], number | null> {
  const log = (v: number | null): number | null => (v === null ? null : Math.log1p(Math.max(0, v)));
  return {
    year: m.releaseYear,
    runtime: m.runtime,
    logBudget: log(m.budget),
    logRevenue: log(m.revenue),
    logPopularity: log(m.popularity),
    logVoteCount: log(m.voteCount),
    // TMDB shows 0 for movies nobody voted on: unknown, not bad.
    voteAverage: m.voteCount && m.voteCount > 0 ? m.voteAverage : null,
  };
}

/**
 * Fits the feature spec on a movie table: the genre list, the most common original languages, and
 * the mean and spread of each numeric column. Uses metadata only, never ratings.
 */
export function fitMovieFeatureSpec(movies: readonly Movie[], topLanguages = 10): MovieFeatureSpec {
  const genres = [...new Set(movies.flatMap((m) => m.genres))].sort();
  const langCount = new Map<string, number>();
  for (const m of movies)
    if (m.originalLanguage)
      langCount.set(m.originalLanguage, (langCount.get(m.originalLanguage) ?? 0) + 1);
  const languages = [...langCount.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, topLanguages)
    .map(([l]) => l);
  const scale: Record<string, [number, number]> = {};
  for (const name of NUMERIC) {
    const xs = movies.map((m) => numeric(m)[name]).filter((v): v is number => v !== null);
    scale[name] = xs.length > 0 ? [mean(xs), standardDeviation(xs) || 1] : [0, 1];
  }
  return { genres, languages, scale };
}

/**
 * Content features of each movie: genre multi-hot, top original languages one-hot (+ other),
 * standardised year, year², runtime, log budget / revenue / popularity / vote count, vote average
 * (missing values as 0 with a missing flag), belongs-to-a-collection.
 *
 * @example
 * const spec = fitMovieFeatureSpec(movies);
 * const feats = buildMovieFeatures(movies, spec);
 */
export function buildMovieFeatures(
  movies: readonly Movie[],
  spec: MovieFeatureSpec,
): MovieFeatures {
  const names = [
    ...spec.genres.map((g) => `genre:${g}`),
    ...spec.languages.map((l) => `lang:${l}`),
    "lang:other",
    ...NUMERIC.flatMap((n) => [n, `${n}:missing`]),
    "year^2",
    "inCollection",
  ];
  const width = names.length;
  const values = new Float32Array(movies.length * width);
  movies.forEach((m, i) => {
    const row = values.subarray(i * width, (i + 1) * width);
    let c = 0;
    for (const g of spec.genres) row[c++] = m.genres.includes(g) ? 1 : 0;
    const li = m.originalLanguage ? spec.languages.indexOf(m.originalLanguage) : -1;
    for (let l = 0; l < spec.languages.length; l++) row[c++] = l === li ? 1 : 0;
    row[c++] = li < 0 ? 1 : 0;
    const num = numeric(m);
    for (const n of NUMERIC) {
      const v = num[n];
      const [mean, sd] = spec.scale[n];
      row[c++] = v === null ? 0 : (v - mean) / sd;
      row[c++] = v === null ? 1 : 0;
    }
    const year = num.year === null ? 0 : (num.year - spec.scale.year[0]) / spec.scale.year[1];
    row[c++] = year * year;
    row[c++] = m.collection ? 1 : 0;
  });
  return {
    names,
    values,
    movieIds: Int32Array.from(movies, (m) => m.movieId),
    rowOf: new Map(movies.map((m, i) => [m.movieId, i])),
  };
}
