import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../src/runtime/tf-backend";
import { EarlyStopping } from "../../src/training/early-stopping";

test("EarlyStopping keeps the best epoch's weights, stops after `patience` worse ones, restores them", async () => {
  await initBackend();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  const setKernel = (v: number) =>
    tf.tidy(() => model.setWeights([tf.tensor2d([[v]]), tf.tensor1d([0])]));
  const kernel = () => model.getWeights()[0].dataSync()[0];
  const stopping = new EarlyStopping(model, 2);
  const losses = [0.9, 0.5, 0.6, 0.4, 0.45, 0.41];
  const stopped: boolean[] = [];
  losses.forEach((loss, i) => {
    setKernel(i + 1);
    stopped.push(stopping.epochEnded(i + 1, loss));
  });
  assert.deepEqual(stopped, [false, false, false, false, false, true]);
  assert.deepEqual([stopping.bestEpoch, stopping.bestLoss, stopping.improved], [4, 0.4, false]);
  stopping.restoreBest();
  assert.equal(kernel(), 4);
  const kept = tf.memory().numTensors;
  stopping.dispose();
  assert.equal(tf.memory().numTensors, kept - 2, "the kept copy (kernel and bias) is freed");
});
