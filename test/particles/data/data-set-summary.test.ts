import assert from "node:assert/strict";
import { test } from "node:test";

import { dataSetSummary } from "../../../src/particles/data/data-set-summary";
import { freeFlightResidual } from "../../../src/particles/data/free-flight";
import { loadParticles } from "../../../src/particles/data/particle-data";

test("dataSetSummary gives a data set's shapes and its free-flight residual", () => {
  const data = loadParticles("data/particles/5bf4506e86.npz");
  assert.deepEqual(dataSetSummary("5bf4506e86", data), {
    data: "5bf4506e86",
    "train x → y": "(48,000, 4, 7) → (48,000, 4, 3)",
    test: "(24,000, 4, 7)",
    "free-flight residual": freeFlightResidual(data.trainX, data.trainY),
  });
});
