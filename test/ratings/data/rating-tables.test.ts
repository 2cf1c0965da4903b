import assert from "node:assert/strict";
import { test } from "node:test";

import { CsvError } from "../../../src/io/csv";
import {
  assertKnownMovies,
  parseQueriesCsv,
  parseRatingsCsv,
  readMovies,
  readQueries,
  readRatings,
} from "../../../src/ratings/data/rating-tables";

test("the shipped rating files load with the counts PROVENANCE.md gives", () => {
  const train = readRatings();
  const test_ = readQueries();
  const movies = readMovies();
  assert.equal(train.rating.length, 83574);
  assert.equal(new Set(train.userId).size, 671);
  assert.equal(new Set(train.movieId).size, 6928);
  assert.equal(test_.userId.length, 15173);
  assert.equal(movies.length, 8150);
  const toy = movies.find((m) => m.movieId === 1);
  assert.deepEqual(toy?.genres, ["Animation", "Comedy", "Family"]);
  assert.equal(toy?.releaseYear, 1995);
  assert.equal(toy?.collection, "Toy Story Collection");
});

test("parseRatingsCsv names the row and column of a bad value", () => {
  const errorFor = (row: string): CsvError => {
    try {
      parseRatingsCsv(`userId,rating,movieId\n1,4,31\n${row}\n`, "up.csv");
    } catch (e) {
      if (e instanceof CsvError) return e;
      throw e;
    }
    throw new Error(`no error for ${row}`);
  };
  assert.match(
    errorFor("2,abc,31").message,
    /up\.csv: row 2, column rating: "abc" is not a number/,
  );
  assert.match(errorFor("2,6,31").message, /row 2, column rating: 6 is outside \[1, 5\]/);
  const e = errorFor("2.5,4,31");
  assert.match(e.message, /row 2, column userId: "2\.5" is not an integer/);
  assert.equal(e.row, 2);
  assert.equal(e.column, "userId");
});

test("parseQueriesCsv reads pairs in file order", () => {
  const q = parseQueriesCsv("movieId,userId\n31,1\n40,2\n", "q.csv");
  assert.deepEqual(Array.from(q.userId), [1, 2]);
  assert.deepEqual(Array.from(q.movieId), [31, 40]);
});

test("assertKnownMovies names the first unknown movie and counts the rest", () => {
  const movies = new Map(readMovies().map((m) => [m.movieId, m]));
  assert.throws(
    () => assertKnownMovies(Int32Array.from([1, 999999999, 2, 999999998]), movies, "up.csv"),
    /up\.csv: row 2, column movieId: movie 999999999 is not in df_movies \(2 rows name unknown movies\)/,
  );
});
