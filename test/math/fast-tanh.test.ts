import assert from "node:assert/strict";
import { test } from "node:test";

import { tanh } from "../../src/math/fast-tanh";

test("the rational tanh is within 3e-7 of Math.tanh and odd", () => {
  let worst = 0;
  for (let v = -12; v <= 12; v += 1e-3) {
    worst = Math.max(worst, Math.abs(tanh(v) - Math.tanh(v)));
    assert.equal(tanh(-v), -tanh(v));
  }
  assert.ok(worst < 3e-7, `worst error ${worst}`);
});
