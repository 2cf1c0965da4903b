import assert from "node:assert/strict";
import { test } from "node:test";

import { freeFlightResidual } from "../../../src/particles/data/free-flight";
import { field, type InteractionLaw } from "../../../src/particles/simulation/interaction-law";
import { LAW_ZOO } from "../../../src/particles/simulation/law-zoo";
import { integrate, simulateDataSet } from "../../../src/particles/simulation/simulate";

test("RK4 follows a harmonic oscillator's exact solution", () => {
  const k = 2.5;
  const law: InteractionLaw = {
    name: "trap",
    description: "isotropic trap",
    property: [1, 1],
    terms: [field((p, _v, _q, a) => p.forEach((x, c) => (a[c] -= k * x)))],
  };
  const p0 = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const v0 = Float64Array.from({ length: 12 }, (_, i) => Math.cos(2 * i));
  const p = p0.slice();
  const v = v0.slice();
  integrate(law, p, v, new Float64Array(4).fill(1), 0.5, 50);
  const w = Math.sqrt(k);
  for (let i = 0; i < 12; i++) {
    const exact = p0[i] * Math.cos(w * 0.5) + (v0[i] / w) * Math.sin(w * 0.5);
    assert.ok(Math.abs(p[i] - exact) < 1e-9, `coordinate ${i}: ${p[i]} against ${exact}`);
  }
});

test("a simulated data set has the challenge's layout, repeats with its seed, and has noise 0.01", () => {
  const law = LAW_ZOO.find((l) => l.name === "springs")!;
  const a = simulateDataSet(law, { nTrain: 200, nTest: 50, seed: 7 });
  const b = simulateDataSet(law, { nTrain: 200, nTest: 50, seed: 7 });
  assert.equal(a.trainX.length, 200 * 4 * 7);
  assert.equal(a.trainY.length, 200 * 4 * 3);
  assert.equal(a.testX.length, 50 * 4 * 7);
  assert.equal(a.testY.length, 50 * 4 * 3);
  assert.deepEqual(a.trainY, b.trainY);
  const clean = simulateDataSet(law, { nTrain: 200, nTest: 50, seed: 7, noise: 0 });
  let s = 0;
  for (let i = 0; i < a.trainY.length; i++) s += (a.trainY[i] - clean.trainY[i]) ** 2;
  const sd = Math.sqrt(s / a.trainY.length);
  assert.ok(sd > 0.009 && sd < 0.011, `noise sd ${sd}`);
});

test("the training arrays do not depend on the size of the test set", () => {
  const law = LAW_ZOO.find((l) => l.name === "yukawa")!;
  const whole = simulateDataSet(law, { nTrain: 100, nTest: 60, seed: 5 });
  const one = simulateDataSet(law, { nTrain: 100, nTest: 1, seed: 5 });
  assert.deepEqual(one.trainX, whole.trainX);
  assert.deepEqual(one.trainY, whole.trainY);
  assert.deepEqual(one.testX, whole.testX.subarray(0, 28));
});

test("every law of the zoo moves particles by forces, finitely, with its property in range", () => {
  const names = new Set<string>();
  for (const law of LAW_ZOO) {
    assert.ok(!names.has(law.name), `${law.name} appears twice`);
    names.add(law.name);
    const d = simulateDataSet(law, { nTrain: 300, nTest: 1, noise: 0 });
    for (let s = 0; s < 300 * 4; s++) {
      const q = d.trainX[s * 7 + 6];
      assert.ok(q >= law.property[0] && q <= law.property[1], `${law.name}: property ${q}`);
    }
    assert.ok(d.trainY.every(Number.isFinite), `${law.name}: a target is not finite`);
    // What the forces add to free flight over one step: well above the noise, below the scale.
    const rms = freeFlightResidual(d.trainX, d.trainY);
    assert.ok(rms > 0.02 && rms < 0.5, `${law.name}: forces move particles by ${rms}`);
  }
});
