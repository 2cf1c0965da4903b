import assert from "node:assert/strict";
import { test } from "node:test";

import type * as tf from "@tensorflow/tfjs";

import { loadParticles } from "../../../src/particles/data/particle-data";
import { runInteraction, trainValSamples } from "../../../src/particles/experiments/runs";
import { PLAIN_DESIGN, SUBSTEP_DESIGN } from "../../../src/particles/model/designs";
import { buildInteractionModel } from "../../../src/particles/model/interaction-layer";
import { ReplicaPool, trainInReplicas } from "../../../src/particles/training/replica-training";
import { headSamples, predictFlat } from "../../../src/particles/training/train";
import { initBackend } from "../../../src/runtime/tf-backend";

const split = trainValSamples(loadParticles("data/particles/ee1e1d5f36.npz"), 0);

test("two replicas train as one thread does, up to rounding, and a rerun repeats them exactly", async () => {
  await initBackend();
  // 1,001 samples in batches of 96: the last batch (41) is short and splits unevenly.
  const train = headSamples(split.train, 1001);
  const val = headSamples(split.val, 150);
  const options = { epochs: 2, batchSize: 96 };
  const one = await runInteraction(train, val, SUBSTEP_DESIGN, options, 1);
  const two = await runInteraction(train, val, SUBSTEP_DESIGN, options, 2);
  const again = await runInteraction(train, val, SUBSTEP_DESIGN, options, 2);
  assert.equal(again.result.valMse, two.result.valMse);
  assert.deepEqual(predictFlat(again.model, val.x), predictFlat(two.model, val.x));
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  assert.ok(relative(two.result.valMse, one.result.valMse) < 1e-4, `${two.result.valMse}`);
  two.result.history!.forEach((h, i) =>
    assert.ok(relative(h.loss, one.result.history![i].loss) < 1e-4, `epoch ${i + 1} loss`),
  );
  // The trained model is the one the replicas trained: it gives the validation MSE they saw.
  assert.ok(relative(two.result.valMse, one.result.history![1].valLoss) < 1e-4);
});

test("batches smaller than the group (one replica's part empty) still take whole-batch steps", async () => {
  await initBackend();
  const train = headSamples(split.train, 24);
  const val = headSamples(split.val, 8);
  const options = { epochs: 1, batchSize: 1 };
  const one = await runInteraction(train, val, SUBSTEP_DESIGN, options, 1);
  const two = await runInteraction(train, val, SUBSTEP_DESIGN, options, 2);
  const [a, b] = [predictFlat(one.model, val.x), predictFlat(two.model, val.x)];
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  const [lossOne, lossTwo] = [one.result.history![0].loss, two.result.history![0].loss];
  assert.ok(Math.abs(lossTwo - lossOne) < 1e-4 * lossOne, `loss ${lossTwo} against ${lossOne}`);
});

test("a pool's workers train one job after another as new ones do, and start anew after a failure", async () => {
  await initBackend();
  const train = headSamples(split.train, 300);
  const val = headSamples(split.val, 60);
  const options = { epochs: 1, batchSize: 64 };
  const trained = async (fit: (m: tf.LayersModel) => Promise<unknown>): Promise<Float32Array> => {
    const model = buildInteractionModel(SUBSTEP_DESIGN);
    await fit(model);
    return predictFlat(model, val.x);
  };
  const fresh = await trained((m) => trainInReplicas(m, SUBSTEP_DESIGN, train, val, options, 2));
  const pool = new ReplicaPool(2);
  try {
    const first = await trained((m) => pool.train(m, SUBSTEP_DESIGN, train, val, options));
    const second = await trained((m) => pool.train(m, SUBSTEP_DESIGN, train, val, options));
    assert.deepEqual(first, fresh);
    assert.deepEqual(second, fresh);
    // Weights of another design: every replica fails, and says why.
    const wrong = buildInteractionModel(PLAIN_DESIGN);
    await assert.rejects(pool.train(wrong, SUBSTEP_DESIGN, train, val, options), /shape|match/i);
    const after = await trained((m) => pool.train(m, SUBSTEP_DESIGN, train, val, options));
    assert.deepEqual(after, fresh);
  } finally {
    await pool.close();
  }
});
