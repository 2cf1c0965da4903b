import assert from "node:assert/strict";
import { test } from "node:test";

import { groupStats } from "../../../src/math/statistics";
import type { Movie } from "../../../src/ratings/data/rating-tables";
import { voteAverageAgainstRating } from "../../../src/ratings/data/vote-average";

test("voteAverageAgainstRating keeps movies with enough ratings and votes", () => {
  const movie = (movieId: number, voteAverage: number | null, voteCount: number) =>
    ({ movieId, title: `m${movieId}`, voteAverage, voteCount }) as Movie;
  const movieById = new Map([
    [1, movie(1, 7.5, 50)],
    [2, movie(2, 6, 1)],
    [3, movie(3, null, 50)],
  ]);
  const ids = [1, 1, 2, 2, 3, 3];
  const perMovie = groupStats(Int32Array.from(ids), Float32Array.of(4, 5, 3, 3, 2, 2));
  assert.deepEqual(voteAverageAgainstRating(perMovie, movieById, 2), [
    { vote: 7.5, rating: 4.5, title: "m1" },
  ]);
});
