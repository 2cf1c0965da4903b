import assert from "node:assert/strict";
import { test } from "node:test";

import { nearestNeighbours } from "../../src/embeddings/nearest-neighbours";

test("nearestNeighbours ranks by cosine similarity and skips the query", () => {
  const v = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, -1, 0]);
  const nn = nearestNeighbours(v, 2, 0, 3);
  assert.deepEqual(
    nn.map((x) => x.row),
    [1, 2, 3],
  );
  assert.ok(Math.abs(nn[2].similarity + 1) < 1e-6);
});
