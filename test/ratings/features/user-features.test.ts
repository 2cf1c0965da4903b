import assert from "node:assert/strict";
import { test } from "node:test";

import type { Ratings } from "../../../src/ratings/data/rating-tables";
import {
  learnUserStats,
  type MovieGroups,
  outOfFoldUserFeatures,
  pairStatistics,
  type SavedUserStats,
  SHRINK,
  USER_FEATURE_NAMES,
  USER_FEATURES,
  userBiases,
  userFeatureRow,
  userStatsFromJson,
  userStatsToJson,
} from "../../../src/ratings/features/user-features";

// Two users, six movies in two collections; genres by movie id parity; two text components.
const text = (m: number): Float32Array => Float32Array.of(Math.cos(m), Math.sin(2 * m));
const groups: MovieGroups = {
  genresOf: (m) => [m % 2],
  collectionOf: (m) => (m <= 3 ? "A" : "B"),
  nGenres: 2,
  textOf: text,
  textDim: 2,
};
const ratings: Ratings = {
  userId: Int32Array.from([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]),
  movieId: Int32Array.from([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]),
  rating: Float32Array.from([5, 4, 5, 1, 2, 1, 3, 3, 4, 2, 3, 2]),
};
const rows = Int32Array.from({ length: 12 }, (_, i) => i);

test("out-of-fold features do not change when a row's own rating changes (no leakage)", async () => {
  const before = await outOfFoldUserFeatures(ratings, rows, groups, 3, 0);
  const width = USER_FEATURE_NAMES.length;
  for (let target = 0; target < 12; target++) {
    const changed: Ratings = { ...ratings, rating: ratings.rating.slice() };
    changed.rating[target] = changed.rating[target] === 5 ? 1 : 5;
    const after = await outOfFoldUserFeatures(changed, rows, groups, 3, 0);
    assert.deepEqual(
      Array.from(after.subarray(target * width, (target + 1) * width)),
      Array.from(before.subarray(target * width, (target + 1) * width)),
      `row ${target}'s features moved with its own rating`,
    );
    // ...while some other row's features do move: the features are not constant.
    assert.ok(
      after.some((v, k) => Math.floor(k / width) !== target && v !== before[k]),
      `row ${target} feeds nobody`,
    );
  }
});

test("learned statistics: bias sign, collection residuals, shrinkage toward the prior", () => {
  const stats = learnUserStats(ratings, rows, groups);
  // Global mean 35/12; user 1 rated 18 in total over 6 movies, 0.5 above it; user 2 0.5 below.
  assert.ok(Math.abs(stats.globalMean - 35 / 12) < 1e-12);
  const one = stats.byUser.get(1)!;
  const two = stats.byUser.get(2)!;
  assert.equal(one.count, 6);
  // The raw mean residual 0.5 / 6 is shrunk as if SHRINK.bias more ratings sat at 0.
  assert.ok(Math.abs(one.bias - 0.5 / (6 + SHRINK.bias)) < 1e-12, `bias ${one.bias}`);
  assert.ok(Math.abs(two.bias + 0.5 / (6 + SHRINK.bias)) < 1e-12, `bias ${two.bias}`);
  assert.deepEqual(
    userBiases(ratings, rows, stats.globalMean),
    new Map([
      [1, one.bias],
      [2, two.bias],
    ]),
  );
  // Genre 1 (odd movies 1, 3, 5) of user 1: residuals after bias summed over 3 ratings, shrunk by
  // SHRINK.genre, so a tenfold larger sample moves the affinity much closer to the raw mean.
  const odd = [5, 5, 2].reduce((s, r) => s + r - 35 / 12 - one.bias, 0);
  assert.ok(Math.abs(one.genreAffinity[1] - odd / (3 + SHRINK.genre)) < 1e-12);
  assert.ok(Math.abs(one.genreAffinity[1]) < Math.abs(odd / 3) / 4);
  const a = stats.byCollection.get("A")!;
  const b = stats.byCollection.get("B")!;
  assert.equal(a[0], 6);
  assert.ok(a[1] > 0 && b[1] < 0, "collection A is rated above the users' biases, B below");
  const userA = stats.byUserCollection.get("1|A")!;
  assert.equal(userA[0], 3);
});

test("the text ridge finds a residual planted along one text component", () => {
  // 300 movies, one user each rating all; the rating rises with the first text component only.
  const n = 300;
  const comp = (m: number): Float32Array => Float32Array.of(Math.cos(m * 1.7), Math.sin(m * 0.9));
  const planted: Ratings = {
    userId: new Int32Array(n).fill(1),
    movieId: Int32Array.from({ length: n }, (_, m) => m),
    rating: Float32Array.from({ length: n }, (_, m) => 3 + comp(m)[0]),
  };
  const g: MovieGroups = { genresOf: () => [], collectionOf: () => null, nGenres: 0 };
  const stats = learnUserStats(
    planted,
    Int32Array.from({ length: n }, (_, i) => i),
    { ...g, textOf: comp, textDim: 2 },
  );
  const [w0, w1] = stats.textWeights!;
  assert.ok(w0 > 0.1, `weight on the planted component ${w0}`);
  assert.ok(Math.abs(w1) < 0.05 * w0, `weight on the other component ${w1}`);
  assert.equal(learnUserStats(planted, Int32Array.of(0, 1), g).textWeights, null);
});

test("the statistics save as JSON by name and read back the same", () => {
  const stats = learnUserStats(ratings, rows, groups);
  const saved = JSON.parse(JSON.stringify(userStatsToJson(stats))) as SavedUserStats;
  const one = saved.byUser.find(([u]) => u === 1)![1];
  assert.deepEqual(Object.keys(one), ["count", "bias", "spread", "genreAffinity", "textAffinity"]);
  assert.deepEqual(userStatsFromJson(saved), stats);
});

test("every feature column is named by the table, and a row is the table applied in order", () => {
  const stats = learnUserStats(ratings, rows, groups);
  const row = new Float32Array(USER_FEATURE_NAMES.length * 2);
  userFeatureRow(stats, 1, ratings.movieId[0], groups, row, 1);
  const p = pairStatistics(stats, 1, ratings.movieId[0], groups);
  assert.deepEqual(
    Array.from(row.subarray(USER_FEATURE_NAMES.length)),
    USER_FEATURES.map((f) => Math.fround(f.value(p))),
  );
  assert.deepEqual(Array.from(row.subarray(0, USER_FEATURE_NAMES.length)), new Array(9).fill(0));
  // An unseen user gets the priors: no count, no bias, the spread prior of 1.
  const unseen = USER_FEATURES.map((f) =>
    f.value(pairStatistics(stats, -1, ratings.movieId[0], groups)),
  );
  assert.deepEqual(unseen.slice(0, 3), [0, 0, 1]);
});
