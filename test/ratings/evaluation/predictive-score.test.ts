import assert from "node:assert/strict";
import { test } from "node:test";

import { predictiveScore } from "../../../src/ratings/evaluation/predictive-score";

test("predictiveScore follows the challenge's formula", () => {
  assert.equal(predictiveScore(0.5), 1);
  assert.equal(predictiveScore(2.0), 0);
  assert.equal(predictiveScore(5), 0);
  assert.ok(Math.abs(predictiveScore(0.8) - 0.8) < 1e-12);
});
