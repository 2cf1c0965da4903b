import assert from "node:assert/strict";
import { test } from "node:test";

import { keepLastRatings } from "../../../src/ratings/data/duplicate-ratings";
import { parseRatingsCsv } from "../../../src/ratings/data/rating-tables";

test("keepLastRatings keeps the last rating of each (user, movie) pair, in file order", () => {
  const csv = "userId,rating,movieId\n1,4,10\n2,3,10\n1,2,10\n1,5,11\n1,1,10\n";
  const { ratings, duplicates, examples } = keepLastRatings(parseRatingsCsv(csv, "t.csv"));
  assert.equal(duplicates, 2);
  assert.deepEqual(examples, [1, 3]);
  assert.deepEqual(Array.from(ratings.userId), [2, 1, 1]);
  assert.deepEqual(Array.from(ratings.movieId), [10, 11, 10]);
  assert.deepEqual(Array.from(ratings.rating), [3, 5, 1]);
});

test("keepLastRatings returns unique ratings unchanged", () => {
  const r = parseRatingsCsv("userId,rating,movieId\n1,4,10\n1,3,11\n", "t.csv");
  const out = keepLastRatings(r);
  assert.equal(out.duplicates, 0);
  assert.equal(out.ratings, r);
});
