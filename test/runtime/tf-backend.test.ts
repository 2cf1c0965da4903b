import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../src/runtime/tf-backend";

test("initBackend picks a working backend and says which", async () => {
  const name = await initBackend();
  assert.equal(name, "wasm");
  assert.equal(tf.getBackend(), name);
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
  assert.deepEqual(Array.from(y.dataSync()), [11]);
  await assert.rejects(
    initBackend("tensorflow"),
    /TF_BACKEND must be one of wasm, cpu, got tensorflow/,
  );
});
