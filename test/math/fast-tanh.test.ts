import assert from "node:assert/strict";
import { test } from "node:test";

import { tanh, tanhSource } from "../../src/math/fast-tanh";

test("the rational tanh is within 3e-7 of Math.tanh and odd", () => {
  let worst = 0;
  for (let v = -12; v <= 12; v += 1e-3) {
    worst = Math.max(worst, Math.abs(tanh(v) - Math.tanh(v)));
    assert.equal(tanh(-v), -tanh(v));
  }
  assert.ok(worst < 3e-7, `worst error ${worst}`);
});

test("tanhSource computes the rational tanh to the last bit", () => {
  const compiled = new Function("x", `let y = 0; ${tanhSource("x", "y")} return y;`) as (
    x: number,
  ) => number;
  for (const v of [0, -0, 1e-300, 7.9, 7.90531110763549805, 8, -8, 1e6, -1e6, Infinity, -Infinity])
    assert.ok(Object.is(compiled(v), tanh(v)), `at ${v}`);
  for (let v = -12; v <= 12; v += 1.37e-3) assert.ok(Object.is(compiled(v), tanh(v)), `at ${v}`);
  assert.ok(Number.isNaN(compiled(NaN)));
});
