import assert from "node:assert/strict";
import { test } from "node:test";

import { gatherRows } from "../../src/math/row-matrix";

test("gatherRows copies rows in the order asked, repeats included, as floats or doubles", () => {
  const m = { values: Float32Array.of(1, 2, 3, 4, 5, 6), width: 2 };
  const picked = gatherRows(m, [2, 0, 2]);
  assert.ok(picked.values instanceof Float32Array);
  assert.deepEqual(Array.from(picked.values), [5, 6, 1, 2, 5, 6]);
  assert.equal(picked.width, 2);
  const doubles = gatherRows(m, Int32Array.of(1), Float64Array);
  assert.ok(doubles.values instanceof Float64Array);
  assert.deepEqual(Array.from(doubles.values), [3, 4]);
  picked.values[0] = 99;
  assert.equal(m.values[4], 5, "a copy, not a view");
  assert.deepEqual(Array.from(gatherRows(m, []).values), []);
});
