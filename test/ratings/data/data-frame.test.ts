import assert from "node:assert/strict";
import { test } from "node:test";

import { ratingGroups, ratingsByDecade, toDataFrame } from "../../../src/ratings/data/data-frame";
import { readMovies, readRatings } from "../../../src/ratings/data/rating-tables";

test("toDataFrame: ratings as columns, movies with their list columns joined", () => {
  assert.deepEqual(toDataFrame(readRatings()).shape, [83574, 3]);
  const movies = toDataFrame(readMovies().slice(0, 3));
  assert.equal(movies.shape[0], 3);
  assert.equal(movies.column("genres").values[0], "Animation|Comedy|Family");
});

test("ratingGroups: each group's count and mean rating, by count or by key", () => {
  const ratings = {
    userId: Int32Array.of(1, 1, 2),
    movieId: Int32Array.of(1, 2, 3),
    rating: Float32Array.of(4, 2, 5),
  };
  const movie = (movieId: number, releaseYear: number) =>
    ({ movieId, releaseYear, genres: [] }) as unknown as Parameters<typeof ratingsByDecade>[1][0];
  const movies = [movie(1, 1995), movie(2, 1991), movie(3, 2001)];
  const byKey = ratingGroups<number>(ratingsByDecade(ratings, movies), "decade", "key");
  assert.deepEqual(byKey, { keys: [1990, 2000], counts: [2, 1], means: [3, 5] });
  const byCount = ratingGroups<number>(ratingsByDecade(ratings, movies), "decade", "count");
  assert.deepEqual(byCount.keys, [1990, 2000]);
});
