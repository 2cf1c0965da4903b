import assert from "node:assert/strict";
import { test } from "node:test";

import type * as tf from "@tensorflow/tfjs";

import { readNpz } from "../../../src/io/npz";
import {
  buildInteractionModel,
  type InteractionConfig,
} from "../../../src/particles/model/interaction-layer";
import { removePart, type SizedNetwork } from "../../../src/particles/model/network-surgery";
import { refitOnKernel } from "../../../src/particles/training/kernel-refit";
import { networkScore } from "../../../src/particles/training/prune";
import { RefitPool } from "../../../src/particles/training/refit-pool";
import { ReplicaPool } from "../../../src/particles/training/replica-training";
import { predictFlat } from "../../../src/particles/training/train";
import { initBackend } from "../../../src/runtime/tf-backend";
import { patternedWeights } from "../../fixtures/patterned-weights";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const n = 200;
const samples = {
  x: data.train_x.data.slice(0, n * 28) as Float32Array,
  y: data.train_y.data.slice(0, n * 12) as Float32Array,
  n,
};
const config: InteractionConfig = { hidden: [3], seed: 1, factors: true };
const OPTIONS = { steps: 40, batchSize: 32, learningRate: 0.01, seed: 4, clipGradients: 10 };
const net: SizedNetwork = {
  config,
  weights: patternedWeights(config, (i, k) => 0.5 * Math.sin(1.1 * i + k)),
};

const judge = { x: samples.x.subarray(0, 60 * 28), y: samples.y.subarray(0, 60 * 12), n: 60 };

/** What a pool's refit gives, computed in this thread: the refit network and its score. */
const refitHere = (s: SizedNetwork) => {
  const refit = refitOnKernel(s, samples, OPTIONS);
  return { net: refit, ...networkScore(refit, judge) };
};

test("a pool of worker threads refits and scores networks as this thread does, in the order given", async () => {
  const nets = [net, removePart(net, "hidden 0"), removePart(net, "output u")];
  const pool = new RefitPool(samples, OPTIONS, 2, judge);
  try {
    const refit = await pool.refitAll(nets);
    assert.deepEqual(refit, nets.map(refitHere));
    // The workers stay up for the next call.
    assert.deepEqual(await pool.refitAll(nets.slice(1)), refit.slice(1));
  } finally {
    await pool.close();
  }
});

test("a refit failing in a worker rejects with its error", async () => {
  // Weights that do not match the network's configuration.
  const broken: SizedNetwork = { config: { ...config, hidden: [5] }, weights: net.weights };
  const pool = new RefitPool(samples, OPTIONS, 2, judge);
  try {
    await assert.rejects(pool.refitAll([net, broken]), /^Error: refit failed: /);
  } finally {
    await pool.close();
  }
});

test("a pool scores networks on its judging samples as this thread does", async () => {
  const nets = [
    net,
    removePart(net, "hidden 1"),
    removePart(net, "input qi"),
    removePart(net, "factors"),
  ];
  const pool = new RefitPool(samples, OPTIONS, 2, judge);
  try {
    assert.deepEqual(
      await pool.scoreAll(nets),
      nets.map((s) => networkScore(s, judge)),
    );
  } finally {
    await pool.close();
  }
});

test("a pool on a sized training's replica threads works as on its own, and leaves them up", async () => {
  await initBackend();
  const replicas = new ReplicaPool(2);
  const train = (model: tf.LayersModel) =>
    replicas.train(model, config, samples, judge, { epochs: 1, batchSize: 50 });
  try {
    const model = buildInteractionModel(config);
    await train(model);
    assert.equal(replicas.started.length, 2);
    const nets = [net, removePart(net, "hidden 2"), removePart(net, "input qj")];
    // Three threads asked for: the two replicas' and one of the pool's own.
    const pool = new RefitPool(samples, OPTIONS, 3, judge, replicas.started);
    try {
      assert.deepEqual(await pool.refitAll(nets), nets.map(refitHere));
      assert.deepEqual(
        await pool.scoreAll(nets),
        nets.map((s) => networkScore(s, judge)),
      );
    } finally {
      await pool.close();
    }
    // The replicas still train, as they did before they served the pool.
    const again = buildInteractionModel(config);
    await train(again);
    const fresh = new ReplicaPool(2);
    const alone = buildInteractionModel(config);
    try {
      await fresh.train(alone, config, samples, judge, { epochs: 1, batchSize: 50 });
    } finally {
      await fresh.close();
    }
    assert.deepEqual(predictFlat(again, judge.x), predictFlat(alone, judge.x));
    for (const m of [model, again, alone]) m.dispose();
  } finally {
    await replicas.close();
  }
});
