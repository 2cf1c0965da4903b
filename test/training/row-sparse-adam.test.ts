import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { SeededRandom } from "../../src/random/seeded";
import { initBackend } from "../../src/runtime/tf-backend";
import { RowSparseAdam } from "../../src/training/row-sparse-adam";

const ROWS = 5;
const WIDTH = 3;
const L2 = 0.01;

test("with every row in every batch it is tfjs's Adam on loss + l2 * sum(table²)", async () => {
  await initBackend();
  const rng = new SeededRandom(3);
  const start = Float32Array.from({ length: ROWS * WIDTH }, () => rng.normal());
  const table = tf.variable(tf.tensor2d(start, [ROWS, WIDTH]));
  const dense = tf.train.adam(0.05);
  const sparse = new RowSparseAdam(start.slice(), WIDTH, L2, new Float32Array(ROWS).fill(1));
  const everyRow = Int32Array.from({ length: ROWS }, (_, r) => r);
  for (let s = 0; s < 20; s++) {
    const g = Float32Array.from({ length: ROWS * WIDTH }, () => rng.normal());
    dense.minimize(
      () =>
        tf.add(
          tf.sum(tf.mul(table, tf.tensor2d(g, [ROWS, WIDTH]))),
          tf.mul(L2, tf.sum(tf.square(table))),
        ) as tf.Scalar,
      false,
      [table],
    );
    sparse.step(everyRow, g, 0.05);
  }
  const expected = table.dataSync();
  const worst = sparse.values.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
});

test("a step changes only the looked-up rows and sums a row's repeated gradients", () => {
  const start = new Float32Array(ROWS * WIDTH).fill(1);
  const once = new RowSparseAdam(start.slice(), WIDTH, 0, new Float32Array(ROWS));
  const twice = new RowSparseAdam(start.slice(), WIDTH, 0, new Float32Array(ROWS));
  const g = [0.3, -0.2, 0.1];
  assert.deepEqual(
    Array.from(once.step(Int32Array.of(2), Float32Array.from(g.map((x) => 2 * x)), 0.1)),
    [2],
  );
  assert.deepEqual(
    Array.from(twice.step(Int32Array.of(2, 2), Float32Array.from([...g, ...g]), 0.1)),
    [2],
  );
  assert.deepEqual(Array.from(twice.values), Array.from(once.values));
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from(once.values.subarray(r * WIDTH, (r + 1) * WIDTH));
    if (r === 2)
      assert.ok(
        row.every((v) => v !== 1),
        `row 2 moved: ${row}`,
      );
    else assert.deepEqual(row, [1, 1, 1]);
  }
});
