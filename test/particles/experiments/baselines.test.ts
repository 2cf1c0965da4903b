import assert from "node:assert/strict";
import { test } from "node:test";

import {
  fitLinear,
  predictInputPosition,
  predictLinear,
} from "../../../src/particles/experiments/baselines";
import { SeededRandom } from "../../../src/random/seeded";

test("linear least squares recovers an exact linear map with 29 x 12 parameters", () => {
  const rng = new SeededRandom(9);
  const n = 300;
  const x = Float32Array.from({ length: n * 28 }, () => rng.normal());
  const W = Array.from({ length: 29 * 12 }, () => rng.normal());
  const y = new Float32Array(n * 12);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < 12; o++) {
      let v = W[28 * 12 + o];
      for (let a = 0; a < 28; a++) v += x[s * 28 + a] * W[a * 12 + o];
      y[s * 12 + o] = v;
    }
  const model = fitLinear({ x, y, n });
  assert.equal(model.params, 348);
  const pred = predictLinear(model, x);
  const worst = pred.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
  assert.ok(worst < 1e-3, `max error ${worst}`);
});

test("the input-position baseline copies positions", () => {
  const x = Float32Array.from({ length: 28 }, (_, i) => i);
  assert.deepEqual(Array.from(predictInputPosition(x)), [0, 1, 2, 7, 8, 9, 14, 15, 16, 21, 22, 23]);
});
