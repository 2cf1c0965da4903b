import assert from "node:assert/strict";
import { test } from "node:test";

import { textComponents } from "../../src/ratings/text-features";

test("textComponents: k whitened components per movie, by id; a size mismatch is named", () => {
  const ids = Array.from({ length: 50 }, (_, i) => 100 + i);
  const dim = 6;
  const vectors = Float32Array.from(
    { length: ids.length * dim },
    (_, k) => Math.sin(k * 1.3) * (1 + (k % dim)),
  );
  const text = textComponents(ids, vectors, dim, 4);
  assert.equal(text.size, 50);
  assert.equal(text.get(100)!.length, 4);
  for (let c = 0; c < 4; c++) {
    const v = ids.map((id) => text.get(id)![c]);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + x * x, 0) / v.length;
    assert.ok(
      Math.abs(mean) < 1e-5 && Math.abs(variance - 1) < 1e-4,
      `component ${c}: ${mean}, ${variance}`,
    );
  }
  assert.equal(textComponents(ids, vectors, dim, 32).get(100)!.length, dim);
  assert.throws(
    () => textComponents(ids.slice(1), vectors, dim),
    /300 values for 49 movies × 6 dimensions/,
  );
});
