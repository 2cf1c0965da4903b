import assert from "node:assert/strict";
import { test } from "node:test";

import { stepControlFor, substepsLeft } from "../../../src/particles/model/step-control";

const control = stepControlFor(0.2, 6, 0.5);
/** Four particles on a line, 1 apart, with particle 1's acceleration `pull` towards particle 0. */
const line = Float64Array.from([0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0]);
const pulled = (pull: number) => {
  const a = new Float64Array(12);
  a[3] = -pull;
  return a;
};

test("stepControlFor bounds the substeps between 1 and 1/8 of the equal ones, or fixes them", () => {
  assert.deepEqual(control, {
    eta: 0.2,
    eta4: 0.2 ** 4,
    longest: 0.5 / 6,
    shortest: 0.5 / 48,
    maxSteps: 48,
  });
  assert.deepEqual(stepControlFor(0, 6, 0.5), {
    eta: 0,
    eta4: 0,
    longest: 0.5 / 6,
    shortest: 0.5 / 6,
    maxSteps: 6,
  });
});

test("without relative accelerations the step is split into the longest substeps", () => {
  assert.equal(substepsLeft(control, line, new Float64Array(12), 0.5, 0), 6);
  // A uniform field accelerates every particle alike: no pair changes its separation.
  assert.equal(substepsLeft(control, line, new Float64Array(12).fill(5), 0.5, 0), 6);
  // What is left after 2 of 6 substeps is 4 substeps, not 5 by rounding.
  assert.equal(substepsLeft(control, line, new Float64Array(12), 0.5 - 2 * (0.5 / 6), 2), 4);
});

test("a strong pull between two particles asks for η √(d / |Δa|) substeps", () => {
  // d = 1, |Δa| = 100: substeps of at most 0.2 · 0.1 = 0.02, so 25 of them for 0.5.
  assert.equal(substepsLeft(control, line, pulled(100), 0.5, 0), 25);
  // A weak pull (a substep of 0.2 · √(1 / 0.5) ≈ 0.28 allowed) changes nothing.
  assert.equal(substepsLeft(control, line, pulled(0.5), 0.5, 0), 6);
});

test("the substeps are bounded: never shorter than `shortest`, never more than maxSteps in all", () => {
  assert.equal(substepsLeft(control, line, pulled(1e9), 0.5, 0), 48);
  assert.equal(substepsLeft(control, line, pulled(1e9), 0.25, 40), 8);
  assert.equal(substepsLeft(control, line, pulled(1e9), 0.01, 47), 1);
});
