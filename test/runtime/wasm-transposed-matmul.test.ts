import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../src/runtime/tf-backend";
import { useTransposingMatMul } from "../../src/runtime/wasm-transposed-matmul";

/** A seeded (rows, cols) matrix, or a stack of `batch` of them. */
const matrix = (shape: number[], seed: number): tf.Tensor =>
  tf.randomNormal(shape, 0, 1, "float32", seed);

/** The last two axes swapped. */
const swapped = (x: tf.Tensor): tf.Tensor => {
  const perm = x.shape.map((_, k) => k);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  return tf.transpose(x, perm);
};

/** (a or aᵀ) · (b or bᵀ) in float64 plain loops, for 2-D inputs. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float64Array {
  const [A, B] = [(ta ? swapped(a) : a).arraySync(), (tb ? swapped(b) : b).arraySync()] as [
    number[][],
    number[][],
  ];
  const out = new Float64Array(A.length * B[0].length);
  for (let i = 0; i < A.length; i++)
    for (let j = 0; j < B[0].length; j++)
      for (let k = 0; k < B.length; k++) out[i * B[0].length + j] += A[i][k] * B[k][j];
  return out;
}

test("a transposed input is transposed first: the product is XNNPACK's of the transposes", async () => {
  assert.equal(await initBackend(), "wasm");
  const a = matrix([96, 40], 1);
  const b = matrix([96, 24], 2);
  const c = matrix([24, 40], 3);
  const column = matrix([96, 1], 11);
  const cases: [tf.Tensor, tf.Tensor, boolean, boolean][] = [
    [a, b, true, false], // a weight's gradient, xᵀ · dy
    [a, column, true, false], // the same for a layer of one unit, as (dyᵀ · x)ᵀ
    [b, c, false, false],
    [a, c, false, true], // an input's gradient, dy · Wᵀ
    [c, b, true, true],
  ];
  for (const [x, y, ta, tb] of cases) {
    const product = tf.matMul(x, y, ta, tb);
    const explicit = tf.matMul(ta ? swapped(x) : x, tb ? swapped(y) : y);
    // The same kernel on the same numbers: equal to the bit (the backend's own loop is not).
    assert.deepEqual(product.dataSync(), explicit.dataSync(), `transposeA=${ta} transposeB=${tb}`);
    const want = reference(x, y, ta, tb);
    product
      .dataSync()
      .forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-4 * (1 + Math.abs(want[k]))));
  }
});

test("batched and fused products, and the gradients of a dense layer, keep their values", async () => {
  await initBackend();
  const a = matrix([3, 20, 8], 4);
  const b = matrix([3, 20, 5], 5);
  const batched = tf.matMul(a, b, true, false);
  assert.deepEqual(batched.shape, [3, 8, 5]);
  assert.deepEqual(batched.dataSync(), tf.matMul(swapped(a), b).dataSync());
  const x = matrix([16, 8], 6);
  const w = matrix([8, 4], 7);
  const bias = matrix([4], 8);
  const fused = tf.fused.matMul({
    a: x,
    b: swapped(w),
    transposeB: true,
    bias,
    activation: "relu",
  });
  const plain = tf.relu(tf.add(tf.matMul(x, w), bias));
  fused.dataSync().forEach((v, k) => assert.ok(Math.abs(v - plain.dataSync()[k]) < 1e-5));
  // d/dW sum(x · W) = xᵀ · 1, d/dx = 1 · Wᵀ: row sums of x and of W.
  const [dx, dw] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q)))([x, w]);
  const xSums = tf.sum(x, 0).dataSync();
  const wSums = tf.sum(w, 1).dataSync();
  dw.dataSync().forEach((v, k) => assert.ok(Math.abs(v - xSums[Math.floor(k / 4)]) < 1e-4));
  dx.dataSync().forEach((v, k) => assert.ok(Math.abs(v - wSums[k % 8]) < 1e-4));
});

test("inputs the product refuses keep the backend's message; nothing is left allocated", async () => {
  await initBackend();
  const a = matrix([10, 6], 9);
  const b = matrix([10, 7], 10);
  assert.throws(
    () => tf.matMul(a, b, true, true),
    /transposeA=true and transposeB=true must match/,
  );
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  // An input the product refuses: its copy is freed all the same.
  const ints = tf.tensor2d([1, 2, 3, 4], [2, 2], "int32");
  assert.throws(() => tf.matMul(ints, ints, true, false), /non-float32/);
  ints.dispose();
  for (let k = 0; k < 5; k++)
    tf.tidy(() => {
      tf.matMul(a, b, true, false);
      tf.matMul(b, b, false, true);
    });
  assert.equal(backend.numDataIds(), before);
  const registered = tf.getKernel(tf.BatchMatMul, "wasm")!.kernelFunc;
  useTransposingMatMul(); // a second call wraps nothing twice
  assert.equal(tf.getKernel(tf.BatchMatMul, "wasm")!.kernelFunc, registered);
});
