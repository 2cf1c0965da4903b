import assert from "node:assert/strict";
import { test } from "node:test";

import { fitRidge, solveSpd } from "../../src/math/linear-system";
import { SeededRandom } from "../../src/random/seeded";

test("solveSpd solves a small SPD system and rejects a singular one", () => {
  const x = solveSpd(Float64Array.of(4, 1, 1, 3), Float64Array.of(1, 2), 2, 1);
  assert.ok(Math.abs(4 * x[0] + x[1] - 1) < 1e-12 && Math.abs(x[0] + 3 * x[1] - 2) < 1e-12);
  assert.throws(
    () => solveSpd(Float64Array.of(0, 0, 0, 1), Float64Array.of(1, 1), 2, 1),
    /not positive definite/,
  );
});

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
});
