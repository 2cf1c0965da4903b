import assert from "node:assert/strict";
import { test } from "node:test";

import { mse, squaredErrorSum } from "../../src/math/mse";

test("mse averages squared differences and rejects unequal lengths", () => {
  assert.equal(mse([1, 2], [1, 4]), 2);
  assert.equal(mse(Float32Array.of(0.5), Float32Array.of(1.5)), 1);
  assert.throws(() => mse([1], [1, 2]), /1 predictions for 2 targets/);
  assert.equal(squaredErrorSum([1, 2], [1, 4]), 4);
  assert.throws(() => squaredErrorSum([1], [1, 2]), /1 predictions for 2 targets/);
});
