import assert from "node:assert/strict";
import { test } from "node:test";

import { SAMPLE_IN, SAMPLE_OUT } from "../../../src/particles/data/particle-data";
import { limitedSplit, resultRow, trainValSamples } from "../../../src/particles/experiments/runs";

const n = 50;
const data = {
  source: "synthetic",
  trainX: Float32Array.from({ length: n * SAMPLE_IN }, (_, i) => i),
  trainY: Float32Array.from({ length: n * SAMPLE_OUT }, (_, i) => -i),
  testX: new Float32Array(SAMPLE_IN),
  nTrain: n,
  nTest: 1,
};

test("limitedSplit is the seeded 90/10 split, cut to its first samples when limited", () => {
  const whole = trainValSamples(data, 0);
  assert.deepEqual(limitedSplit(data), whole);
  const cut = limitedSplit(data, { train: 5, val: 2 });
  assert.deepEqual([cut.train.n, cut.val.n], [5, 2]);
  assert.deepEqual(cut.train.x, whole.train.x.slice(0, 5 * SAMPLE_IN));
  assert.deepEqual(cut.val.y, whole.val.y.slice(0, 2 * SAMPLE_OUT));
});

test("resultRow: a model without parameters scores n/a; epochs only when known", () => {
  const base = {
    model: "input position",
    params: 0,
    valMse: 0.01,
    valScore: Infinity,
    seconds: 0.4,
  };
  assert.deepEqual(resultRow("ee", base), {
    data: "ee",
    model: "input position",
    params: 0,
    "val MSE": 0.01,
    "val score": "n/a",
    seconds: 0,
  });
  const trained = { ...base, model: "substep", params: 96, valScore: 9876.5, epochs: 36 };
  assert.deepEqual(
    [resultRow("ee", trained)["val score"], resultRow("ee", trained).epochs],
    [9877, 36],
  );
});
