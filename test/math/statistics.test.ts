import assert from "node:assert/strict";
import { test } from "node:test";

import {
  groupStats,
  mean,
  median,
  pearson,
  quantile,
  spreadOf,
  standardDeviation,
  variance,
} from "../../src/math/statistics";

test("mean, variance and standard deviation, population and sample", () => {
  assert.equal(mean([1, 2, 6]), 3);
  assert.ok(Number.isNaN(mean([])));
  assert.equal(variance([1, 3]), 1);
  assert.equal(variance([1, 3], { sample: true }), 2);
  assert.equal(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  assert.equal(variance([5]), 0);
  assert.equal(variance([5], { sample: true }), 0);
});

test("quantile interpolates linearly between order statistics, as NumPy does", () => {
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0), 1);
  assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
  assert.ok(Math.abs(quantile([10, 20, 30, 40], 0.9) - 37) < 1e-12);
  assert.equal(median([3, 1, 2]), 2);
});

test("pearson: ±1 for exact lines, 0 for a symmetric pattern, unequal lengths refused", () => {
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
  assert.ok(Math.abs(pearson([-1, 0, 1], [1, 0, 1])) < 1e-12);
  assert.throws(() => pearson([1, 2], [1]), /2 values against 1 values/);
});

test("groupStats: count, mean and population variance per key", () => {
  const g = groupStats([1, 2, 1, 1], [2, 5, 4, 6]);
  const one = g.get(1)!;
  assert.deepEqual([one.count, one.mean], [3, 4]);
  assert.ok(Math.abs(one.variance - 8 / 3) < 1e-12, `variance ${one.variance}`);
  assert.deepEqual(g.get(2), { count: 1, mean: 5, variance: 0 });
});

test("spreadOf: count, min, median, 90th percentile and max of a list", () => {
  const s = spreadOf("x", [1, 2, 3, 4, 100]);
  assert.deepEqual([s.of, s.n, s.min, s.median, s.max], ["x", 5, 1, 3, 100]);
  assert.ok(s.p90 > 4 && s.p90 < 100);
});
