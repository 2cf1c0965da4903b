import assert from "node:assert/strict";
import { test } from "node:test";

import { mean, variance } from "../../../src/math/statistics";
import { fitTextProjection, textComponents } from "../../../src/ratings/features/text-components";

test("textComponents: k whitened components per movie, by id; a size mismatch is named", () => {
  const ids = Array.from({ length: 50 }, (_, i) => 100 + i);
  const dim = 6;
  const vectors = Float32Array.from(
    { length: ids.length * dim },
    (_, k) => Math.sin(k * 1.3) * (1 + (k % dim)),
  );
  const text = textComponents(ids, vectors, fitTextProjection(vectors, dim, 4));
  assert.equal(text.size, 50);
  assert.equal(text.get(100)!.length, 4);
  for (let c = 0; c < 4; c++) {
    const v = ids.map((id) => text.get(id)![c]);
    assert.ok(
      Math.abs(mean(v)) < 1e-5 && Math.abs(variance(v) - 1) < 1e-4,
      `component ${c}: ${mean(v)}, ${variance(v)}`,
    );
  }
  const all = fitTextProjection(vectors, dim, 32);
  assert.equal(textComponents(ids, vectors, all).get(100)!.length, dim);
  assert.throws(
    () => textComponents(ids.slice(1), vectors, all),
    /300 values for 49 movies × 6 dimensions/,
  );
});

test("a saved projection places new movies without moving the old ones", () => {
  const dim = 5;
  const vectors = Float32Array.from({ length: 40 * dim }, (_, k) => Math.cos(k * 0.7) * (k % 3));
  const ids = Array.from({ length: 40 }, (_, i) => i);
  const projection = fitTextProjection(vectors, dim, 3);
  const more = Float32Array.from({ length: 45 * dim }, (_, k) =>
    k < 40 * dim ? vectors[k] : k % 7,
  );
  const before = textComponents(ids, vectors, projection);
  const after = textComponents([...ids, 40, 41, 42, 43, 44], more, projection);
  for (const id of ids) assert.deepEqual(after.get(id), before.get(id));
  assert.equal(after.size, 45);
});
