import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { readNpz } from "../../src/io/npz";
import {
  buildInteractionModel,
  interactionParamCount,
} from "../../src/particles/interaction-layer";
import { initBackend } from "../../src/runtime/tf-backend";

const x = readNpz("data/particles/ee1e1d5f36.npz").train_x.data.slice(0, 64 * 28) as Float32Array;
const predict = (model: tf.LayersModel, input: Float32Array): Float32Array =>
  tf.tidy(
    () =>
      (
        model.predict(tf.tensor3d(input, [input.length / 28, 4, 7])) as tf.Tensor
      ).dataSync() as Float32Array,
  );
const close = (a: Float32Array, b: Float32Array, tol = 1e-4): void => {
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(worst < tol, `max difference ${worst}`);
};

test("the parameter count from the widths equals tfjs's own count", async () => {
  await initBackend();
  for (const hidden of [[16], [8, 8], [32]]) {
    assert.equal(
      buildInteractionModel({ hidden, seed: 1 }).countParams(),
      interactionParamCount({ hidden }),
    );
  }
});

test("the network is equivariant: rotating the inputs about the origin rotates the outputs", async () => {
  await initBackend();
  const model = buildInteractionModel({ hidden: [16], seed: 1 });
  // A rotation about an oblique axis through the origin (the self term may hold a field centred there).
  const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
  const R = [
    [c, -s, 0],
    [s * 0.6, c * 0.6, -0.8],
    [s * 0.8, c * 0.8, 0.6],
  ];
  const rot = (v: ArrayLike<number>): number[] =>
    R.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
  const moved = x.slice();
  for (let k = 0; k < x.length / 7; k++) {
    const p = rot(x.subarray(k * 7, k * 7 + 3));
    const v = rot(x.subarray(k * 7 + 3, k * 7 + 6));
    moved.set([...p, ...v], k * 7);
  }
  const y = predict(model, x);
  const expected = new Float32Array(y.length);
  for (let k = 0; k < y.length / 3; k++) expected.set(rot(y.subarray(k * 3, k * 3 + 3)), k * 3);
  close(predict(model, moved), expected);
});

test("the network treats particles alike: permuting them permutes the outputs", async () => {
  await initBackend();
  const model = buildInteractionModel({ hidden: [16], seed: 2 });
  const perm = [2, 0, 3, 1];
  const permuted = x.slice();
  for (let b = 0; b < x.length / 28; b++)
    perm.forEach((from, to) =>
      permuted.set(x.subarray(b * 28 + from * 7, b * 28 + from * 7 + 7), b * 28 + to * 7),
    );
  const y = predict(model, x);
  const expected = new Float32Array(y.length);
  for (let b = 0; b < y.length / 12; b++)
    perm.forEach((from, to) =>
      expected.set(y.subarray(b * 12 + from * 3, b * 12 + from * 3 + 3), b * 12 + to * 3),
    );
  close(predict(model, permuted), expected);
});
