import assert from "node:assert/strict";
import { test } from "node:test";

import { BREADTH_LAWS } from "../../../src/particles/simulation/breadth-laws";
import {
  accelerations,
  type InteractionLaw,
  type LawFamily,
} from "../../../src/particles/simulation/interaction-law";
import { LAW_ZOO } from "../../../src/particles/simulation/law-zoo";
import { simulateDataSet } from "../../../src/particles/simulation/simulate";

/** A fixed, unremarkable state of 4 particles. */
const p0 = Float64Array.from({ length: 12 }, (_, i) => 0.6 * Math.sin(1.3 * i + 0.4));
const v0 = Float64Array.from({ length: 12 }, (_, i) => 0.35 * Math.cos(0.7 * i + 0.2));
const q0 = Float64Array.of(0.7, 1.2, 1.6, 0.9);
const accel = (
  law: InteractionLaw,
  p: Float64Array = p0,
  v: Float64Array = v0,
  q: Float64Array = q0,
): Float64Array => {
  const a = new Float64Array(12);
  accelerations(law, p, v, q, a);
  return a;
};
const gap = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));
const norm = (a: ArrayLike<number>): number => Math.max(...Array.from(a, Math.abs));
const family = (f: LawFamily): InteractionLaw[] => BREADTH_LAWS.filter((l) => l.family === f);

test("the zoo holds several laws of each kind a pair-along-r̂-and-u design cannot express", () => {
  for (const f of ["own-velocity", "fixed-direction", "three-body", "inertia"] as const)
    assert.ok(family(f).length >= 3, `${f}: ${family(f).length} laws`);
  for (const law of BREADTH_LAWS) assert.ok(LAW_ZOO.includes(law), law.name);
});

test("own-velocity laws are not Galilean-invariant: the same relative motion, boosted, accelerates otherwise", () => {
  const boosted = Float64Array.from(v0, (x, i) => x + [0.3, -0.2, 0.25][i % 3]);
  for (const law of family("own-velocity"))
    assert.ok(gap(accel(law), accel(law, p0, boosted)) > 1e-3 * norm(accel(law)), law.name);
});

test("fixed-direction laws are not rotation-equivariant: a rotated state is not accelerated as rotated", () => {
  // A rotation by 90° about z: (x, y, z) → (−y, x, z).
  const rotate = (x: Float64Array): Float64Array =>
    Float64Array.from(x, (_, i) => (i % 3 === 0 ? -x[i + 1] : i % 3 === 1 ? x[i - 1] : x[i]));
  for (const law of family("fixed-direction")) {
    const turned = accel(law, rotate(p0), rotate(v0));
    assert.ok(gap(turned, rotate(accel(law))) > 1e-3 * norm(turned), law.name);
  }
});

test("three-body laws are not sums over pairs: a third particle changes what a pair does", () => {
  // For a sum of pair terms, moving particle 3 far away and moving particle 2 far away change
  // particle 0's acceleration independently: the mixed difference is zero.
  const away = (p: Float64Array, k: number): Float64Array =>
    Float64Array.from(p, (x, i) => (Math.floor(i / 3) === k ? x + 50 : x));
  const mixed = (law: InteractionLaw): number => {
    const a = (p: Float64Array) => accel(law, p).subarray(0, 3);
    const [all, no2, no3, neither] = [p0, away(p0, 2), away(p0, 3), away(away(p0, 2), 3)].map(a);
    return Math.max(...[0, 1, 2].map((c) => Math.abs(all[c] - no2[c] - no3[c] + neither[c])));
  };
  for (const law of family("three-body")) assert.ok(mixed(law) > 1e-4, law.name);
  const pairLaw = LAW_ZOO.find((l) => l.name === "morse")!;
  assert.ok(mixed(pairLaw) < 1e-12, "a pair law has no mixed difference");
});

test("inertia laws divide the response by the property: doubling one mass halves its acceleration", () => {
  for (const law of family("inertia")) {
    const heavier = Float64Array.from(q0, (x, i) => (i === 1 ? 2 * x : x));
    const [a, b] = [accel(law), accel(law, p0, v0, heavier)];
    for (let c = 3; c < 6; c++)
      assert.ok(Math.abs(b[c] - a[c] / 2) < 1e-12 * (1 + Math.abs(a[c])), `${law.name}: ${c}`);
  }
});

test("the simulator follows every new law accurately: 50 RK4 substeps agree with 200 to a tenth of the noise", () => {
  for (const law of BREADTH_LAWS) {
    const o = { nTrain: 150, nTest: 1, noise: 0, seed: 5 };
    const coarse = simulateDataSet(law, o).trainY;
    const fine = simulateDataSet(law, { ...o, substeps: 200 }).trainY;
    assert.ok(gap(coarse, fine) < 1e-3, `${law.name}: ${gap(coarse, fine)}`);
  }
});
