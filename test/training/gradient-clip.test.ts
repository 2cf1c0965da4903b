import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../src/runtime/tf-backend";
import { gradientNorm, RelativeGradientClip } from "../../src/training/gradient-clip";
import { trainWithEarlyStopping } from "../../src/training/training-loop";

test("relative clipping caps a norm at the multiple of the running average, which then moves", () => {
  const clip = new RelativeGradientClip(10, 0.5);
  assert.equal(clip.scaleFor(2), 1); // sets the average: 2
  assert.equal(clip.scaleFor(4), 1); // under 20; average 3
  assert.equal(clip.scaleFor(300), 30 / 300); // capped at 30; average (3 + 30) / 2
  assert.equal(clip.scaleFor(165), 1); // exactly at the cap, 10 × 16.5
  assert.equal(clip.scaleFor(0), 1);
  assert.equal(clip.scaleFor(Number.NaN), 0);
  assert.equal(clip.scaleFor(Number.POSITIVE_INFINITY), 0);
  assert.throws(() => new RelativeGradientClip(1), /multiple must be above 1/);
  assert.throws(() => new RelativeGradientClip(3, 0), /weight must be in/);
});

test("gradientNorm is the norm of every gradient together", async () => {
  await initBackend();
  const grads = { b: tf.tensor1d([3]), a: tf.tensor2d([[0, 4]]) };
  assert.equal(gradientNorm(grads), 5);
  tf.dispose(Object.values(grads));
});

// y = 2x, one sample a step, where step 40 alone sees a target of 2,000: a gradient a thousand
// times the others'. Unclipped, Adam's moments carry that step for long after (its squared
// gradient keeps the later steps small), so 20 steps later the weight is still some 0.5 off 2;
// clipped, the step is an ordinary one and the weight is back near 2.
async function fitWithOneWildStep(clipGradients?: number): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: "ones" }),
    ],
  });
  let step = 0;
  const batchLoss = (): tf.Scalar => {
    step++;
    const target = tf.tensor2d([[step === 40 ? 2000 : 2]]);
    return tf.losses.meanSquaredError(target, model.apply(tf.ones([1, 1])) as tf.Tensor);
  };
  // Validation always improves, so the last epoch's weights are the ones kept.
  await trainWithEarlyStopping(model, 1, batchLoss, () => -step, {
    epochs: 60,
    batchSize: 1,
    learningRate: 0.1,
    patience: 60,
    lrPatience: 60,
    minLearningRate: 0.1,
    seed: 3,
    clipGradients,
  });
  const w = model.getWeights()[0].dataSync()[0];
  model.dispose();
  return w;
}

test("the loop's clipping keeps one wild batch from throwing the weights off", async () => {
  await initBackend();
  const free = await fitWithOneWildStep();
  const clipped = await fitWithOneWildStep(3);
  assert.ok(Math.abs(clipped - 2) < 0.05, `clipped: ${clipped}`);
  assert.ok(Math.abs(free - 2) > 0.3, `unclipped: ${free}`);
});
