import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import { InteractionKernel } from "../../../src/particles/model/interaction-kernel";
import { allParts, type NetworkParts } from "../../../src/particles/model/network-parts";
import { namedWeights, referenceStep, referenceStepOf } from "./reference-network";

const x = readNpz("data/particles/5bf4506e86.npz").train_x.data as Float32Array;

/** Largest absolute difference between two arrays of the same length. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const designs = [
  { hidden: [5], factors: true, stepControl: 0 },
  { hidden: [4, 3], factors: false, stepControl: 0 },
  { hidden: [5], factors: true, stepControl: 0.05 },
];
for (const { hidden, factors, stepControl } of designs) {
  test(`the kernel's forward pass equals the plain reference network to 1e-9 (${JSON.stringify({ hidden, factors, stepControl })})`, () => {
    const kernel = new InteractionKernel(hidden, 6, 0.5, { factors, stepControl });
    const params = kernel
      .paramSizes()
      .map((n, k) => Float64Array.from({ length: n }, (_, i) => 0.4 * Math.sin(2.3 * i + 1.1 * k)));
    const batch = 40;
    const forward = kernel.forward(x, batch, params, false);
    const w = namedWeights(params, hidden, factors);
    let worst = 0;
    for (let b = 0; b < batch; b++) {
      // The reference takes the substeps the kernel chose (step control has its own tests).
      const steps = Array.from(forward.steps.subarray(forward.starts[b], forward.starts[b + 1]));
      const expected = referenceStep(w, x.subarray(b * 28, (b + 1) * 28), steps);
      worst = Math.max(worst, maxDifference(forward.out.subarray(b * 12, (b + 1) * 12), expected));
    }
    assert.ok(worst < 1e-9, `largest difference ${worst}`);
    if (stepControl > 0) assert.ok(forward.starts[batch] > 6 * batch, "no sample was refined");
  });
}

const partsCases: { name: string; parts: NetworkParts; hidden: number[] }[] = [
  { name: "every part", parts: allParts(2, 3), hidden: [5] },
  {
    name: "a pruned network",
    hidden: [3],
    parts: {
      inputs: ["inv_d", "axis0", "radial_vj"],
      outputs: ["vj", "u_x_rhat", "axis0"],
      axes: 1,
      triplet: { inputs: ["djk", "qk", "dij"], hidden: 2 },
      field: ["radial", "drag"],
      inertia: true,
    },
  },
];
for (const { name, parts, hidden } of partsCases) {
  test(`the kernel's forward pass equals the plain reference network of any parts to 1e-9 (${name})`, () => {
    const kernel = new InteractionKernel(hidden, 6, 0.5, {
      factors: true,
      parts,
      stepControl: 0.05,
    });
    const specs = kernel.paramSpecs();
    const params = kernel
      .paramSizes()
      .map((n, k) => Float64Array.from({ length: n }, (_, i) => 0.3 * Math.sin(2.3 * i + 1.1 * k)));
    const weights = new Map(specs.map((s, k) => [s.name, params[k]]));
    const batch = 30;
    const forward = kernel.forward(x, batch, params, false);
    let worst = 0;
    for (let b = 0; b < batch; b++) {
      const steps = Array.from(forward.steps.subarray(forward.starts[b], forward.starts[b + 1]));
      const expected = referenceStepOf(
        parts,
        hidden,
        weights,
        x.subarray(b * 28, (b + 1) * 28),
        steps,
      );
      worst = Math.max(worst, maxDifference(forward.out.subarray(b * 12, (b + 1) * 12), expected));
    }
    assert.ok(worst < 1e-9, `largest difference ${worst}`);
  });
}

test("the kernel's forward pass equals the PyTorch port's on fixed weights to 1e-9", () => {
  const fixture = JSON.parse(
    readFileSync("test/fixtures/particle-kernel/torch-forward.json", "utf8"),
  ) as {
    samples: number;
    cases: {
      hidden: number[];
      factors: boolean;
      substeps: number;
      params: number[][];
      out: number[];
    }[];
  };
  for (const c of fixture.cases) {
    const kernel = new InteractionKernel(c.hidden, c.substeps, 0.5, { factors: c.factors });
    assert.deepEqual(
      kernel.paramSizes(),
      c.params.map((p) => p.length),
    );
    const params = c.params.map((p) => Float64Array.from(p));
    const out = kernel.forward(x, fixture.samples, params, false).out;
    const worst = maxDifference(out, c.out);
    assert.ok(worst < 1e-9, `${JSON.stringify(c.hidden)}: largest difference ${worst}`);
  }
});
