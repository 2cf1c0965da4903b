import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BROAD_DESIGN,
  designParts,
  PLAIN_DESIGN,
  SUBSTEP_DESIGN,
} from "../../../src/particles/model/designs";
import { buildInteractionModel } from "../../../src/particles/model/interaction-layer";

test("designParts splits a design's parameters by part, adding up to the built model's count", () => {
  for (const design of [SUBSTEP_DESIGN, PLAIN_DESIGN, BROAD_DESIGN]) {
    const parts = designParts(design);
    const all = parts.find((p) => p.part === "all")!.params;
    const sum = parts.filter((p) => p.part !== "all").reduce((s, p) => s + p.params, 0);
    assert.equal(sum, all);
    assert.equal(all, buildInteractionModel(design).countParams());
  }
  assert.equal(designParts(SUBSTEP_DESIGN)[1].params, 8);
  assert.match(designParts(SUBSTEP_DESIGN)[0].part, /^pair MLP \(7 inputs → 5 → rhat, u\)$/);
});
