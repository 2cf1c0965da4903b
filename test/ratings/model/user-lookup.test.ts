import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { UserLookup } from "../../../src/ratings/model/user-lookup";
import { initBackend } from "../../../src/runtime/tf-backend";
import { trainWithEarlyStopping } from "../../../src/training/training-loop";

test("UserLookup: rows by index forward, gradients summed per user backward, as one-hot × table", async () => {
  await initBackend();
  const layer = new UserLookup({ rows: 5, width: 3, initStddev: 0.5, seed: 7, l2: 0 });
  const input = tf.input({ shape: [1], dtype: "int32" });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  const table = layer.getWeights()[0];
  const users = tf.tensor2d([[2], [0], [2], [4]], [4, 1], "int32");
  const oneHot = tf.oneHot(users.reshape([-1]), 5).toFloat();
  const out = model.predict(users) as tf.Tensor;
  assert.deepEqual(Array.from(out.dataSync()), Array.from(tf.matMul(oneHot, table).dataSync()));
  // d/dtable of sum(out * w) is oneHotᵀ · w: user 2's two rows add up.
  const w = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [10, 11, 12],
  ]);
  const variable = layer.trainableWeights[0].read() as tf.Variable;
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(model.apply(users) as tf.Tensor, w)) as tf.Scalar,
    [variable],
  );
  const expected = tf.matMul(oneHot, w, true, false);
  assert.deepEqual(Array.from(Object.values(grads)[0].dataSync()), Array.from(expected.dataSync()));
  // A table of 100,000 users: the input stays one index per row.
  const big = new UserLookup({ rows: 100_000, width: 3, initStddev: 0.1, seed: 1, l2: 0 });
  const bigModel = tf.model({ inputs: input, outputs: big.apply(input) as tf.SymbolicTensor });
  assert.deepEqual(
    (bigModel.predict(tf.tensor2d([[99_999]], [1, 1], "int32")) as tf.Tensor).shape,
    [1, 3],
  );
});

test("trained by rows (rowsOf), a batch moves only the users it looked up; other weights train as usual", async () => {
  await initBackend();
  const layer = new UserLookup({ rows: 6, width: 2, initStddev: 0.5, seed: 3, l2: 1e-3 });
  const input = tf.input({ shape: [1], dtype: "int32" });
  const scale = tf.layers.dense({ units: 1, kernelInitializer: "ones" });
  const output = scale.apply(layer.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const before = layer.getWeights()[0].arraySync() as number[][];
  const kernelBefore = scale.getWeights()[0].dataSync().slice();
  // Samples look up users 1, 2 and 4 only.
  const users = [1, 2, 4, 2];
  const x = tf.tensor2d(users, [4, 1], "int32");
  const y = tf.tensor2d([1, -1, 2, -1], [4, 1]);
  const batchLoss = (idx: number[]): tf.Scalar => {
    const i = tf.tensor1d(idx, "int32");
    return tf.losses.meanSquaredError(tf.gather(y, i), model.apply(tf.gather(x, i)) as tf.Tensor);
  };
  const tensorsBefore = tf.memory().numTensors;
  await trainWithEarlyStopping(model, 4, batchLoss, () => 1, {
    epochs: 3,
    batchSize: 2,
    learningRate: 0.1,
    patience: 5,
    lrPatience: 5,
    minLearningRate: 1e-3,
    seed: 2,
    rowsOf: (idx) => Int32Array.from(idx, (i) => users[i]),
  });
  // Nothing is left behind by the batches (each one's zero offset) or the epochs' table copies.
  assert.equal(tf.memory().numTensors, tensorsBefore);
  // The loop restores the best epoch's weights: the first, as validation never improves after it.
  const after = layer.getWeights()[0].arraySync() as number[][];
  after.forEach((row, r) =>
    [1, 2, 4].includes(r)
      ? assert.notDeepEqual(row, before[r], `user ${r} was looked up and should have moved`)
      : assert.deepEqual(row, before[r], `user ${r} was never looked up and should not move`),
  );
  assert.notDeepEqual(Array.from(scale.getWeights()[0].dataSync()), Array.from(kernelBefore));
});
