import assert from "node:assert/strict";
import { test } from "node:test";

import { fitPca, pca, projectPca } from "../../src/math/pca";
import { pearson } from "../../src/math/statistics";
import { SeededRandom } from "../../src/random/seeded";

test("pca finds the direction of largest spread first", () => {
  const rng = new SeededRandom(4);
  const n = 500;
  const dim = 5;
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const t = rng.normal() * 10; // large spread along (1, 1, 0, 0, 0)
    const u = rng.normal() * 3; // smaller spread along axis 4
    v.set(
      [t + rng.normal() * 0.1, t + rng.normal() * 0.1, rng.normal() * 0.1, rng.normal() * 0.1, u],
      i * dim,
    );
  }
  const xy = pca(v, dim, 2);
  const pc1 = Array.from({ length: n }, (_, i) => xy[2 * i]);
  const pc2 = Array.from({ length: n }, (_, i) => xy[2 * i + 1]);
  assert.ok(
    Math.abs(
      pearson(
        pc1,
        Array.from({ length: n }, (_, i) => v[i * dim]),
      ),
    ) > 0.99,
  );
  assert.ok(
    Math.abs(
      pearson(
        pc2,
        Array.from({ length: n }, (_, i) => v[i * dim + 4]),
      ),
    ) > 0.99,
  );
});

test("fitPca: unit, orthogonal components, largest variance first; projection reusable", () => {
  const rng = new SeededRandom(9);
  const dim = 6;
  const v = Float32Array.from({ length: 300 * dim }, (_, k) => rng.normal() * (1 + (k % dim)));
  const p = fitPca(v, dim, 3);
  assert.equal(p.components.length, 3);
  const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i], 0);
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++)
      assert.ok(Math.abs(dot(p.components[a], p.components[b]) - (a === b ? 1 : 0)) < 1e-9);
  const coords = projectPca(p, v);
  const spread = (c: number): number =>
    Array.from({ length: 300 }, (_, i) => coords[i * 3 + c] ** 2).reduce((s, x) => s + x, 0);
  assert.ok(spread(0) > spread(1) && spread(1) > spread(2));
  // The largest spread is along the last axis (scale 6).
  assert.ok(Math.abs(p.components[0][5]) > 0.95, `first component ${p.components[0]}`);
  assert.throws(() => fitPca(v.subarray(0, dim), dim, 2), /two or more rows of 6/);
});
