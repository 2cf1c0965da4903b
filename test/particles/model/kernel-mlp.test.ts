import assert from "node:assert/strict";
import { test } from "node:test";

import { tanh } from "../../../src/math/fast-tanh";
import { KernelMlp } from "../../../src/particles/model/kernel-mlp";

/**
 * The MLP's three passes as plain loops, the sums in the order KernelMlp promises: what its
 * compiled passes must equal to the last bit.
 */
function plainPasses(sizes: number[], first: number, count: number) {
  const offsets = sizes.map((_, l) => sizes.slice(0, l).reduce((a, b) => a + b, 0));
  const width = sizes.reduce((a, b) => a + b, 0);
  const L = sizes.length - 1;
  const g = new Float64Array(width * count);
  const forward = (params: Float64Array[], act: Float64Array, at: number): void => {
    for (let l = 0; l < L; l++)
      for (let o = 0; o < sizes[l + 1]; o++) {
        let z = params[first + 2 * l + 1][o];
        for (let i = 0; i < sizes[l]; i++)
          z += act[at + offsets[l] + i] * params[first + 2 * l][i * sizes[l + 1] + o];
        act[at + offsets[l + 1] + o] = l + 1 < L ? tanh(z) : z;
      }
  };
  const backward = (params: Float64Array[], act: Float64Array, at: number, item: number) => {
    const G = item * width;
    for (let l = L - 1; l >= 0; l--) {
      const nOut = sizes[l + 1];
      if (l + 1 < L)
        for (let o = 0; o < nOut; o++) {
          const h = act[at + offsets[l + 1] + o];
          g[G + offsets[l + 1] + o] *= 1 - h * h;
        }
      for (let i = 0; i < sizes[l]; i++) {
        let s = 0;
        for (let o = 0; o < nOut; o++)
          s += params[first + 2 * l][i * nOut + o] * g[G + offsets[l + 1] + o];
        g[G + offsets[l] + i] = s;
      }
    }
  };
  const accumulate = (grads: Float64Array[], act: Float64Array, at: number): void => {
    for (let l = 0; l < L; l++) {
      const nOut = sizes[l + 1];
      for (let o = 0; o < nOut; o++)
        for (let k = 0; k < count; k++)
          grads[first + 2 * l + 1][o] += g[k * width + offsets[l + 1] + o];
      for (let i = 0; i < sizes[l]; i++)
        for (let o = 0; o < nOut; o++)
          for (let k = 0; k < count; k++)
            grads[first + 2 * l][i * nOut + o] +=
              act[at + k * width + offsets[l] + i] * g[k * width + offsets[l + 1] + o];
    }
  };
  return { g, width, forward, backward, accumulate };
}

for (const sizes of [
  [2, 2, 1],
  [7, 5, 2],
  [13, 8, 9],
  [4, 3, 3, 2],
  [1, 1, 1],
]) {
  test(`KernelMlp ${sizes.join(" → ")}: its compiled passes equal plain loops to the last bit`, () => {
    const first = 2;
    const count = 5;
    const mlp = new KernelMlp(sizes, first, count);
    const plain = plainPasses(sizes, first, count);
    assert.equal(mlp.width, plain.width);
    // Two arrays of other weights before the MLP's, so that `first` is honoured.
    const shapes = [3, 4, ...sizes.slice(1).flatMap((out, l) => [sizes[l] * out, out])];
    const params = shapes.map((n, a) =>
      Float64Array.from({ length: n }, (_, i) => 0.7 * Math.sin(1.3 * i + 2.1 * a) + 0.1),
    );
    const inputs = Array.from({ length: count * sizes[0] }, (_, i) => Math.cos(0.7 * i) * 1.5);
    const record = (): Float64Array => {
      const act = new Float64Array(3 + count * mlp.width);
      for (let k = 0; k < count; k++)
        for (let i = 0; i < sizes[0]; i++) act[3 + k * mlp.width + i] = inputs[k * sizes[0] + i];
      return act;
    };
    const [actA, actB] = [record(), record()];
    for (let k = 0; k < count; k++) {
      mlp.forward(params, actA, 3 + k * mlp.width);
      plain.forward(params, actB, 3 + k * mlp.width);
    }
    assert.deepEqual(actA, actB);
    const outAt = mlp.outAt;
    for (let k = 0; k < count; k++)
      for (let o = 0; o < sizes[sizes.length - 1]; o++)
        mlp.g[k * mlp.width + outAt + o] = plain.g[k * mlp.width + outAt + o] = Math.sin(k + 3 * o);
    for (let k = 0; k < count; k++) {
      mlp.backward(params, actA, 3 + k * mlp.width, k);
      plain.backward(params, actB, 3 + k * mlp.width, k);
    }
    assert.deepEqual(mlp.g, plain.g);
    const gradsA = shapes.map((n) => new Float64Array(n).fill(0.25));
    const gradsB = shapes.map((n) => new Float64Array(n).fill(0.25));
    mlp.accumulate(gradsA, actA, 3);
    plain.accumulate(gradsB, actB, 3);
    assert.deepEqual(gradsA, gradsB);
    // The passes did work: the gradients moved from where they started.
    assert.ok(gradsA[first].some((v) => v !== 0.25));
  });
}

test("KernelMlp's source reads as the sizes say", () => {
  const mlp = new KernelMlp([2, 2, 1], 0, 12);
  assert.match(mlp.source.forward, /let a2 = B0\[0\] \+ a0 \* W0\[0\] \+ a1 \* W0\[2\];/);
  assert.match(mlp.source.forward, /a2 = \(tc \* tp\) \/ tq;/);
  assert.match(mlp.source.forward, /const a4 = B1\[0\] \+ a2 \* W1\[0\] \+ a3 \* W1\[1\];/);
  assert.match(
    mlp.source.accumulate,
    /gW1\[1\] = gW1\[1\] \+ x3_0 \* e4_0 \+ x3_1 \* e4_1 \+ x3_2 \* e4_2 \+ x3_3 \* e4_3;/,
  );
  assert.equal(mlp.source.accumulateRest, "");
});

test("KernelMlp refuses sizes that are not whole numbers, before writing any source", () => {
  const bad = ["1); globalThis.hacked = 1; (", 2.5, 0] as unknown as number[];
  for (const size of bad)
    assert.throws(() => new KernelMlp([3, size, 1], 0, 12), /each a whole number ≥ 1/);
  assert.throws(() => new KernelMlp([3], 0, 12), /two sizes or more/);
  assert.equal((globalThis as { hacked?: number }).hacked, undefined);
});
