import assert from "node:assert/strict";
import { test } from "node:test";

import {
  cvSummaryRows,
  embeddingEffect,
  errorByBucket,
  errorsByActivity,
  RATING_METHODS,
} from "../../../src/ratings/evaluation/rating-methods";

test("errorByBucket and errorsByActivity: squared errors by the user's and the movie's ratings", () => {
  assert.deepEqual(errorByBucket([0, 5, 12], [1, 3, 5], [0, 10, Infinity]), [
    { bucket: "0-9", rows: 2, mse: 2 },
    { bucket: "10+", rows: 1, mse: 5 },
  ]);
  const ratings = {
    userId: Int32Array.of(1, 1, 2),
    movieId: Int32Array.of(7, 8, 7),
    rating: Float32Array.of(4, 2, 3),
  };
  const counts = {
    byUser: new Map([
      [1, { count: 60 }],
      [2, { count: 3 }],
    ]),
  };
  const { byUser, byMovie } = errorsByActivity(ratings, [3, 2, 5], counts);
  // User 2 (3 ratings): error 2² = 4; user 1 (60 ratings): errors 1 and 0.
  assert.deepEqual(byUser.slice(0, 2), [
    { bucket: "0-49", rows: 1, mse: 4 },
    { bucket: "50-99", rows: 2, mse: 0.5 },
  ]);
  // Movie 7 has 2 ratings, movie 8 one.
  assert.deepEqual(byMovie.slice(0, 2), [
    { bucket: "1-1", rows: 1, mse: 0 },
    { bucket: "2-4", rows: 2, mse: 2.5 },
  ]);
});

test("embeddingEffect and cvSummaryRows read the cross-validation results by method", () => {
  const cv = [
    { method: RATING_METHODS.hybridNoEmbedding, mean: 0.7, sd: 0.01, score: 0.87, seconds: 10.4 },
    { method: RATING_METHODS.hybridFull, mean: 0.69, sd: 0.01, score: 0.87, seconds: 12.6 },
  ];
  const effect = embeddingEffect(cv);
  assert.ok(Math.abs(effect.gain - 0.01) < 1e-12);
  assert.deepEqual([effect.sd, effect.withinSpread], [0.01, false]);
  assert.deepEqual(cvSummaryRows(cv)[1], {
    method: RATING_METHODS.hybridFull,
    "MSE (mean)": 0.69,
    "MSE (sd over folds)": 0.01,
    "predictive score": 0.87,
    seconds: 13,
  });
});
