import assert from "node:assert/strict";
import { test } from "node:test";

import { DEFAULT_DESIGN, designParts, PLAIN_DESIGN } from "../../../src/particles/model/designs";
import { buildInteractionModel } from "../../../src/particles/model/interaction-layer";

test("designParts splits a design's parameters by part, adding up to the built model's count", () => {
  for (const design of [DEFAULT_DESIGN, PLAIN_DESIGN]) {
    const parts = designParts(design);
    const all = parts.find((p) => p.part === "all")!.params;
    const sum = parts.filter((p) => p.part !== "all").reduce((s, p) => s + p.params, 0);
    assert.equal(sum, all);
    assert.equal(all, buildInteractionModel(design).countParams());
    assert.equal(parts[1].params, design.factors ? 8 : 0);
  }
  assert.match(designParts(DEFAULT_DESIGN)[0].part, /^pair MLP \(7 → 5 → 2\)$/);
});
