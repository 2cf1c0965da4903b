import assert from "node:assert/strict";
import { test } from "node:test";

import type * as tf from "@tensorflow/tfjs";

import { loadParticles } from "../../../src/particles/data/particle-data";
import { runInteraction, trainValSamples } from "../../../src/particles/experiments/runs";
import { PLAIN_DESIGN, SUBSTEP_DESIGN } from "../../../src/particles/model/designs";
import {
  buildInteractionModel,
  interactionLayerOf,
} from "../../../src/particles/model/interaction-layer";
import { networkPredictions } from "../../../src/particles/training/prune";
import { ReplicaPool, trainInReplicas } from "../../../src/particles/training/replica-training";
import { headSamples, predictFlat } from "../../../src/particles/training/train";
import { initBackend } from "../../../src/runtime/tf-backend";

const split = trainValSamples(loadParticles("data/particles/ee1e1d5f36.npz"), 0);

test("one thread, two replicas and a pool asked for three train the same network to the bit", async () => {
  await initBackend();
  // 1,001 samples in batches of 96: the last batch (41) is short and splits unevenly.
  const train = headSamples(split.train, 1001);
  const val = headSamples(split.val, 150);
  const options = { epochs: 2, batchSize: 96 };
  const one = await runInteraction(train, val, SUBSTEP_DESIGN, options, 1);
  const two = await runInteraction(train, val, SUBSTEP_DESIGN, options, 2);
  const three = await runInteraction(train, val, SUBSTEP_DESIGN, options, 3);
  for (const other of [two, three]) {
    assert.deepEqual(
      other.result.history!.map(({ loss, valLoss }) => [loss, valLoss]),
      one.result.history!.map(({ loss, valLoss }) => [loss, valLoss]),
    );
    assert.equal(other.result.valMse, one.result.valMse);
    assert.deepEqual(predictFlat(other.model, val.x), predictFlat(one.model, val.x));
  }
  // The trained model is the one the replicas trained: it gives the validation MSE they saw.
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  assert.ok(relative(two.result.valMse, one.result.history![1].valLoss) < 1e-4);
});

test("batches smaller than the parts (one part empty) take whole-batch steps, alike on any thread count", async () => {
  await initBackend();
  const train = headSamples(split.train, 24);
  const val = headSamples(split.val, 8);
  const options = { epochs: 1, batchSize: 1 };
  const one = await runInteraction(train, val, SUBSTEP_DESIGN, options, 1);
  const two = await runInteraction(train, val, SUBSTEP_DESIGN, options, 2);
  assert.deepEqual(predictFlat(two.model, val.x), predictFlat(one.model, val.x));
  assert.equal(two.result.history![0].loss, one.result.history![0].loss);
  // The steps were taken: the network moved from its initialisation.
  const start = buildInteractionModel(SUBSTEP_DESIGN);
  assert.notDeepEqual(predictFlat(one.model, val.x), predictFlat(start, val.x));
  start.dispose();
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

test("a pool predicts what this thread predicts, to the bit, and says why when it cannot", async () => {
  await initBackend();
  const train = headSamples(split.train, 200);
  // 101 samples: the workers' parts are uneven.
  const val = headSamples(split.val, 101);
  const pool = new ReplicaPool(2);
  try {
    const model = buildInteractionModel(SUBSTEP_DESIGN);
    await pool.train(model, SUBSTEP_DESIGN, train, val, { epochs: 1, batchSize: 64 });
    const net = { config: SUBSTEP_DESIGN, weights: interactionLayerOf(model).namedWeights() };
    const here = networkPredictions(net, val.x);
    assert.deepEqual(await pool.predict(net, val.x), here);
    assert.deepEqual(predictFlat(model, val.x), here);
    // Weights of another design: the workers say so, and the pool starts anew after it.
    const wrong = { config: PLAIN_DESIGN, weights: net.weights };
    await assert.rejects(pool.predict(wrong, val.x), /predicting failed: weights .*expected/);
    assert.deepEqual(await pool.predict(net, val.x), here);
  } finally {
    await pool.close();
  }
});
