import assert from "node:assert/strict";
import { test } from "node:test";

import { applyRidge, fitRidge } from "../../src/math/ridge";
import { SeededRandom } from "../../src/random/seeded";

test("fitRidge recovers weights and intercept without penalty, and shrinks with one", () => {
  const rng = new SeededRandom(2);
  const n = 400;
  const x = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const y = Array.from(
    { length: n },
    (_, i) => 2 * x[i * 3] - x[i * 3 + 1] + 0.5 * x[i * 3 + 2] + 3,
  );
  const w = fitRidge(x, y, n, 3, 0);
  [2, -1, 0.5, 3].forEach((v, j) => assert.ok(Math.abs(w[j] - v) < 1e-6, `w[${j}] = ${w[j]}`));
  const shrunk = fitRidge(x, y, n, 3, 10);
  assert.ok(Math.abs(shrunk[0]) < 0.5 && Math.abs(shrunk[3] - 3) < 0.2);
  const pred = applyRidge(w, x, n, 3);
  pred.forEach((v, i) => assert.ok(Math.abs(v - y[i]) < 1e-6));
});

test("fitRidge: several outputs at once, a singular system and a size mismatch are named", () => {
  const rng = new SeededRandom(3);
  const n = 200;
  const x = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const y = Float64Array.from({ length: n * 2 }, (_, k) =>
    k % 2 === 0 ? x[k] + 1 : -x[k - 1] + 2 * x[k],
  );
  const w = fitRidge(x, y, n, 2, 0, { outputs: 2 });
  [1, -1, 0, 2, 1, 0].forEach((v, j) => assert.ok(Math.abs(w[j] - v) < 1e-6, `w[${j}] = ${w[j]}`));
  const constant = new Float64Array(n * 2).fill(1); // both columns equal the intercept
  assert.throws(
    () => fitRidge(constant, y.subarray(0, n), n, 2, 0, { interceptLambda: 0 }),
    /normal equations are singular/,
  );
  assert.throws(() => fitRidge(x, y, n, 3, 0), /400 inputs and 400 targets for 200 rows of 3/);
});
