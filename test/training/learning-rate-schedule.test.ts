import assert from "node:assert/strict";
import { test } from "node:test";

import { cosineSchedule, plateauSchedule } from "../../src/training/learning-rate-schedule";

test("plateauSchedule halves the rate after `patience` epochs without improvement, to a floor", () => {
  const s = plateauSchedule({ learningRate: 0.008, patience: 2, minLearningRate: 0.003 });
  const rates: number[] = [];
  for (const [epoch, improved] of [
    [1, true],
    [2, false],
    [3, false],
    [4, true],
    [5, false],
    [6, false],
    [7, false],
    [8, false],
  ] as const) {
    rates.push(s.rateFor(epoch));
    s.epochEnded(improved);
  }
  assert.deepEqual(rates, [0.008, 0.008, 0.008, 0.004, 0.004, 0.004, 0.003, 0.003]);
});

test("cosineSchedule runs from the rate to the floor over the epochs, whatever validation does", () => {
  const s = cosineSchedule({ learningRate: 1, minLearningRate: 0, epochs: 3 });
  s.epochEnded(false);
  const rates = [1, 2, 3].map((e) => s.rateFor(e));
  [1, 0.5, 0].forEach((r, i) => assert.ok(Math.abs(rates[i] - r) < 1e-12, `${rates[i]}`));
});
