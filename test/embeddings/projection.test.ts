import assert from "node:assert/strict";
import { test } from "node:test";

import { nearestNeighbours, pca } from "../../src/embeddings/projection";
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
  const corr = (a: number[], b: number[]): number => {
    const ma = a.reduce((s, x) => s + x, 0) / a.length;
    const mb = b.reduce((s, x) => s + x, 0) / b.length;
    const sab = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0);
    return (
      sab /
      Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0))
    );
  };
  assert.ok(
    Math.abs(
      corr(
        pc1,
        Array.from({ length: n }, (_, i) => v[i * dim]),
      ),
    ) > 0.99,
  );
  assert.ok(
    Math.abs(
      corr(
        pc2,
        Array.from({ length: n }, (_, i) => v[i * dim + 4]),
      ),
    ) > 0.99,
  );
});

test("nearestNeighbours ranks by cosine similarity and skips the query", () => {
  const v = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, -1, 0]);
  const nn = nearestNeighbours(v, 2, 0, 3);
  assert.deepEqual(
    nn.map((x) => x.row),
    [1, 2, 3],
  );
  assert.ok(Math.abs(nn[2].similarity + 1) < 1e-6);
});
