import { join } from "node:path";

import {
  cellError,
  CsvError,
  ID_RANGE,
  integerCell,
  numberCell,
  optionalNumberCell,
  readCsv,
  readCsvText,
} from "../../io/csv";
import { type CellReader, type ColumnSchema, parseCsvColumns } from "../../io/csv-columns";
import { RATINGS_DIR } from "../../io/project-paths";
import { literalNames } from "../../io/python-literal";

/** Ratings as columns: one entry per (user, movie, rating) row, in file order. */
export interface Ratings {
  userId: Int32Array;
  movieId: Int32Array;
  rating: Float32Array;
}

/** (user, movie) pairs to predict, in file order. */
export interface RatingQueries {
  userId: Int32Array;
  movieId: Int32Array;
}

/** One movie of `df_movies.csv`, its TMDB list columns parsed; `null` means unknown. */
export interface Movie {
  movieId: number;
  title: string;
  overview: string;
  genres: string[];
  originalLanguage: string | null;
  releaseYear: number | null;
  runtime: number | null;
  budget: number | null;
  revenue: number | null;
  popularity: number | null;
  voteAverage: number | null;
  voteCount: number | null;
  productionCompanies: string[];
  productionCountries: string[];
  spokenLanguages: string[];
  collection: string | null;
}

const idCell: CellReader = (cell, source, row, column) =>
  integerCell(cell, source, row, column, ID_RANGE);

const ratingCell: CellReader = (cell, source, row, column) => {
  const rating = numberCell(cell, source, row, column);
  if (rating < 1 || rating > 5) throw cellError(source, row, column, `${rating} is outside [1, 5]`);
  return rating;
};

/** The training CSV's columns as typed columns: integer ids, ratings numbers in [1, 5]. */
export const RATINGS_SCHEMA = {
  userId: { type: Int32Array, read: idCell },
  rating: { type: Float32Array, read: ratingCell },
  movieId: { type: Int32Array, read: idCell },
} satisfies ColumnSchema;

/** The prediction CSV's columns as typed columns: integer ids. */
export const QUERIES_SCHEMA = {
  userId: { type: Int32Array, read: idCell },
  movieId: { type: Int32Array, read: idCell },
} satisfies ColumnSchema;

/**
 * Parses training ratings (`userId,rating,movieId`, columns in any order). Ids must be integers
 * and ratings numbers in [1, 5]; anything else throws a {@link CsvError} naming row and column.
 *
 * @example
 * const r = parseRatingsCsv("userId,rating,movieId\n1,4.5,31\n", "upload.csv"); // r.rating[0] = 4.5
 */
export function parseRatingsCsv(text: string, source: string): Ratings {
  return parseCsvColumns(text, source, RATINGS_SCHEMA);
}

/** Reads training ratings from a CSV file (see {@link parseRatingsCsv}). */
export function readRatings(path = join(RATINGS_DIR, "df_train.csv")): Ratings {
  return parseRatingsCsv(readCsvText(path), path);
}

/** Parses prediction queries (`userId,movieId`); malformed ids throw a {@link CsvError}. */
export function parseQueriesCsv(text: string, source: string): RatingQueries {
  return parseCsvColumns(text, source, QUERIES_SCHEMA);
}

/** Reads prediction queries from a CSV file (see {@link parseQueriesCsv}). */
export function readQueries(path = join(RATINGS_DIR, "df_test.csv")): RatingQueries {
  return parseQueriesCsv(readCsvText(path), path);
}

const MOVIE_COLUMNS = [
  "movieId",
  "title",
  "overview",
  "genres",
  "original_language",
  "release_date",
  "runtime",
  "budget",
  "revenue",
  "popularity",
  "vote_average",
  "vote_count",
  "production_companies",
  "production_countries",
  "spoken_languages",
  "belongs_to_collection",
] as const;

/**
 * Reads `df_movies.csv`: one {@link Movie} per row with TMDB's Python-literal list columns parsed.
 * Zero budget/revenue mean unknown in TMDB and become `null`.
 */
export function readMovies(path = join(RATINGS_DIR, "df_movies.csv")): Movie[] {
  const { rows } = readCsv(path, { required: MOVIE_COLUMNS, optional: "any" });
  const seen = new Set<number>();
  return rows.map((r, i) => {
    const row = i + 1;
    const num = (c: string): number | null => optionalNumberCell(r[c], path, row, c);
    const names = (c: string): string[] => {
      try {
        return literalNames(r[c] ?? "");
      } catch (err) {
        throw cellError(path, row, c, (err as Error).message);
      }
    };
    const movieId = integerCell(r.movieId, path, row, "movieId", ID_RANGE);
    if (seen.has(movieId))
      throw new CsvError(`${path}: row ${row}: movieId ${movieId} appears twice`, { row });
    seen.add(movieId);
    const year = /^(\d{4})/.exec(r.release_date ?? "");
    const positive = (v: number | null): number | null => (v !== null && v > 0 ? v : null);
    return {
      movieId,
      title: r.title ?? "",
      overview: r.overview ?? "",
      genres: names("genres"),
      originalLanguage: r.original_language?.trim() || null,
      releaseYear: year ? Number(year[1]) : null,
      runtime: positive(num("runtime")),
      budget: positive(num("budget")),
      revenue: positive(num("revenue")),
      popularity: num("popularity"),
      voteAverage: num("vote_average"),
      voteCount: num("vote_count"),
      productionCompanies: names("production_companies"),
      productionCountries: names("production_countries"),
      spokenLanguages: names("spoken_languages"),
      collection: names("belongs_to_collection")[0] ?? null,
    };
  });
}

/**
 * Checks that every movie of `movieIds` is in the movie table; throws a {@link CsvError} naming the
 * first offending row and how many rows are affected.
 */
export function assertKnownMovies(
  movieIds: Int32Array,
  movies: ReadonlyMap<number, Movie>,
  source: string,
): void {
  let first = -1;
  let count = 0;
  movieIds.forEach((id, i) => {
    if (!movies.has(id)) {
      count++;
      if (first < 0) first = i;
    }
  });
  if (count > 0) {
    const more = count > 1 ? ` (${count} rows name unknown movies)` : "";
    throw cellError(
      source,
      first + 1,
      "movieId",
      `movie ${movieIds[first]} is not in df_movies${more}`,
    );
  }
}
