import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../src/runtime/tf-backend";
import { cosineRate } from "../../src/training/learning-rate-schedule";
import { trainWithEarlyStopping } from "../../src/training/training-loop";

// A one-weight regression y = 2x whose validation losses are scripted, so that the plateau
// schedule and the restore of the best epoch's weights can be checked epoch by epoch.
test("the loop halves the learning rate on plateaus, stops early and restores the best weights", async () => {
  await initBackend();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "zeros" })],
  });
  const x = tf.tensor2d([[1], [2], [3], [4]]);
  const y = tf.tensor2d([[2], [4], [6], [8]]);
  const scripted = [5, 4, 6, 7, 8, 9, 10, 11, 12];
  const seen: number[][] = [];
  const validate = (): number => {
    seen.push(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
    return scripted[seen.length - 1];
  };
  const batchLoss = (idx: number[]): tf.Scalar => {
    const i = tf.tensor1d(idx, "int32");
    return tf.losses.meanSquaredError(tf.gather(y, i), model.apply(tf.gather(x, i)) as tf.Tensor);
  };
  const result = await trainWithEarlyStopping(model, 4, batchLoss, validate, {
    epochs: 9,
    batchSize: 2,
    learningRate: 0.08,
    patience: 5,
    lrPatience: 2,
    minLearningRate: 0.001,
    seed: 1,
  });
  // Best at epoch 2; five epochs without improvement end the run after epoch 7.
  assert.equal(result.bestEpoch, 2);
  assert.equal(result.bestValLoss, 4);
  assert.deepEqual(
    result.history.map((h) => h.epoch),
    [1, 2, 3, 4, 5, 6, 7],
  );
  // Halved after every two epochs without improvement: after epochs 4 and 6.
  assert.deepEqual(
    result.history.map((h) => h.learningRate),
    [0.08, 0.08, 0.08, 0.08, 0.04, 0.04, 0.02],
  );
  // The weights in place are the ones validated at epoch 2, not the last epoch's.
  const final = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  assert.deepEqual(final, seen[1]);
  assert.notDeepEqual(final, seen[6]);
  tf.dispose([x, y]);
});

test("the cosine schedule runs from the learning rate down to the minimum, ignoring plateaus", async () => {
  await initBackend();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "zeros" })],
  });
  const x = tf.tensor2d([[1], [2]]);
  const y = tf.tensor2d([[2], [4]]);
  const batchLoss = (idx: number[]): tf.Scalar => {
    const i = tf.tensor1d(idx, "int32");
    return tf.losses.meanSquaredError(tf.gather(y, i), model.apply(tf.gather(x, i)) as tf.Tensor);
  };
  const options = {
    epochs: 5,
    batchSize: 2,
    learningRate: 0.1,
    patience: 10,
    lrPatience: 1,
    minLearningRate: 0.01,
    schedule: "cosine" as const,
    seed: 1,
  };
  // Validation never improves after epoch 1: a plateau schedule would halve the rate every epoch.
  const result = await trainWithEarlyStopping(model, 2, batchLoss, () => 1, options);
  const rates = result.history.map((h) => h.learningRate);
  const expected = [
    0.1,
    0.01 + 0.09 * 0.5 * (1 + Math.SQRT1_2),
    0.055,
    0.01 + 0.09 * 0.5 * (1 - Math.SQRT1_2),
    0.01,
  ];
  rates.forEach((r, k) => assert.ok(Math.abs(r - expected[k]) < 1e-12, `epoch ${k + 1}: ${r}`));
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((e) => cosineRate(options, e)),
    rates,
  );
  tf.dispose([x, y]);
});
