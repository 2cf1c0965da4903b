import assert from "node:assert/strict";
import { test } from "node:test";

import type { Ratings } from "../../src/ratings/data";
import {
  learnUserStats,
  type MovieGroups,
  outOfFoldUserFeatures,
  USER_FEATURE_NAMES,
} from "../../src/ratings/user-features";

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

test("out-of-fold features do not change when a row's own rating changes (no leakage)", () => {
  const before = outOfFoldUserFeatures(ratings, rows, groups, 3, 0);
  const width = USER_FEATURE_NAMES.length;
  for (let target = 0; target < 12; target++) {
    const changed: Ratings = { ...ratings, rating: ratings.rating.slice() };
    changed.rating[target] = changed.rating[target] === 5 ? 1 : 5;
    const after = outOfFoldUserFeatures(changed, rows, groups, 3, 0);
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
  assert.ok(stats.byUser.get(1)![1] !== 0);
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
