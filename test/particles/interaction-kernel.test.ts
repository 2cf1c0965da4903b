import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../src/io/npz";
import { InteractionKernel, tanh } from "../../src/particles/interaction-kernel";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const batch = 6;
const x = data.train_x.data.slice(0, batch * 28) as Float32Array;
/** Weights that are neither zero nor symmetric, so that every path of the network carries signal. */
const weightsFor = (kernel: InteractionKernel): Float64Array[] =>
  kernel
    .paramSizes()
    .map((n, k) => Float64Array.from({ length: n }, (_, i) => 0.3 * Math.sin(1.7 * i + k) + 0.05));
/** A fixed direction in output space: the loss whose gradient is checked is out · direction. */
const direction = Float64Array.from({ length: batch * 12 }, (_, i) => Math.cos(0.9 * i));
const loss = (kernel: InteractionKernel, params: Float64Array[]): number =>
  kernel.forward(x, batch, params, false).out.reduce((s, o, i) => s + o * direction[i], 0);

const variants: { name: string; make: () => InteractionKernel }[] = [
  { name: "hidden [6]", make: () => new InteractionKernel([6], 3, 0.5) },
  { name: "hidden [4, 3]", make: () => new InteractionKernel([4, 3], 3, 0.5) },
  {
    name: "property factors",
    make: () => new InteractionKernel([6], 2, 0.5, true),
  },
];
for (const { name, make } of variants) {
  test(`backward's gradient matches central finite differences (${name})`, () => {
    const kernel = make();
    const params = weightsFor(kernel);
    const grads = kernel.backward(x, batch, params, kernel.forward(x, batch, params), direction);
    const h = 1e-5;
    let checked = 0;
    params.forEach((p, k) => {
      for (let i = 0; i < p.length; i++) {
        const saved = p[i];
        p[i] = saved + h;
        const up = loss(kernel, params);
        p[i] = saved - h;
        const down = loss(kernel, params);
        p[i] = saved;
        const numeric = (up - down) / (2 * h);
        const tol = 1e-5 * Math.max(1, Math.abs(numeric));
        assert.ok(
          Math.abs(grads[k][i] - numeric) < tol,
          `param ${k}[${i}]: backward ${grads[k][i]}, finite difference ${numeric}`,
        );
        checked++;
      }
    });
    assert.equal(
      checked,
      kernel.paramSizes().reduce((a, b) => a + b, 0),
    );
  });
}

test("forward gives the same outputs with and without a tape; backward refuses a missing tape", () => {
  const kernel = new InteractionKernel([6], 4, 0.5);
  const params = weightsFor(kernel);
  const kept = kernel.forward(x, batch, params, true);
  const bare = kernel.forward(x, batch, params, false);
  assert.deepEqual(bare.out, kept.out);
  assert.equal(bare.tape.length, 0);
  assert.throws(() => kernel.backward(x, batch, params, bare, direction), /tape/);
});

test("the rational tanh is within 3e-7 of Math.tanh and odd", () => {
  let worst = 0;
  for (let v = -12; v <= 12; v += 1e-3) {
    worst = Math.max(worst, Math.abs(tanh(v) - Math.tanh(v)));
    assert.equal(tanh(-v), -tanh(v));
  }
  assert.ok(worst < 3e-7, `worst error ${worst}`);
});
