import assert from "node:assert/strict";
import { test } from "node:test";

import type { Ratings } from "../../src/ratings/data";
import {
  learnUserStats,
  type MovieGroups,
  outOfFoldUserFeatures,
  USER_FEATURE_NAMES,
} from "../../src/ratings/user-features";

// Two users, six movies in two collections; genres by movie id parity.
const groups: MovieGroups = {
  genresOf: (m) => [m % 2],
  collectionOf: (m) => (m <= 3 ? "A" : "B"),
  nGenres: 2,
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
