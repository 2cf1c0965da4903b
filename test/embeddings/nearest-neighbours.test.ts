import assert from "node:assert/strict";
import { test } from "node:test";

import { nearestNeighbours, neighbourTable } from "../../src/embeddings/nearest-neighbours";

test("nearestNeighbours ranks by cosine similarity and skips the query", () => {
  const v = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, -1, 0]);
  const nn = nearestNeighbours(v, 2, 0, 3);
  assert.deepEqual(
    nn.map((x) => x.row),
    [1, 2, 3],
  );
  assert.ok(Math.abs(nn[2].similarity + 1) < 1e-6);
});

test("neighbourTable names each found title's neighbours with their similarity, skipping the absent", () => {
  const vectors = Float32Array.of(1, 0, 0.9, 0.1, 0, 1);
  const rows = neighbourTable(vectors, 2, ["a", "b", "c"], ["a", "zzz"], 1);
  assert.deepEqual(rows, [{ movie: "a", neighbours: "b (0.99)" }]);
});
