import assert from "node:assert/strict";
import { test } from "node:test";

import { readRatings } from "../../../src/ratings/data/rating-tables";
import { globalMeanPredictor, userMeanPredictor } from "../../../src/ratings/evaluation/baselines";
import { crossValidate, movieFolds } from "../../../src/ratings/evaluation/cross-validation";
import { predictiveScore } from "../../../src/ratings/evaluation/predictive-score";

const ratings = readRatings();

test("movie-wise folds never split a movie", () => {
  const folds = movieFolds(ratings, 5, 0);
  const foldOfMovie = new Map<number, number>();
  ratings.movieId.forEach((m, i) => {
    if (foldOfMovie.has(m)) assert.equal(folds[i], foldOfMovie.get(m));
    foldOfMovie.set(m, folds[i]);
  });
  assert.equal(new Set(folds).size, 5);
});

test("cross-validation of the baselines: the user mean beats the global mean", async () => {
  const [global, user] = await crossValidate(
    ratings,
    { global: globalMeanPredictor(ratings), user: userMeanPredictor(ratings) },
    5,
    0,
  );
  assert.equal(global.foldMse.length, 5);
  assert.ok(user.mean < global.mean);
  assert.ok(Math.abs(global.score - predictiveScore(global.mean)) < 1e-12);
});
