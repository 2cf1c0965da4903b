import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import type { InteractionConfig } from "../../../src/particles/model/interaction-layer";
import { removePart, type SizedNetwork } from "../../../src/particles/model/network-surgery";
import { refitOnKernel } from "../../../src/particles/training/kernel-refit";
import { networkScore } from "../../../src/particles/training/prune";
import { RefitPool } from "../../../src/particles/training/refit-pool";
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

test("a pool of worker threads refits networks as this thread does, in the order given", async () => {
  const nets = [net, removePart(net, "hidden 0"), removePart(net, "output u")];
  const pool = new RefitPool(samples, OPTIONS, 2);
  try {
    const refit = await pool.refitAll(nets);
    assert.deepEqual(
      refit,
      nets.map((s) => refitOnKernel(s, samples, OPTIONS)),
    );
    // The workers stay up for the next call.
    assert.deepEqual(await pool.refitAll(nets.slice(1)), refit.slice(1));
  } finally {
    await pool.close();
  }
});

test("a refit failing in a worker rejects with its error", async () => {
  // Weights that do not match the network's configuration.
  const broken: SizedNetwork = { config: { ...config, hidden: [5] }, weights: net.weights };
  const pool = new RefitPool(samples, OPTIONS, 2);
  try {
    await assert.rejects(pool.refitAll([net, broken]), /^Error: refit failed: /);
  } finally {
    await pool.close();
  }
});

test("a pool scores networks on its judging samples as this thread does", async () => {
  const judge = { x: samples.x.subarray(0, 60 * 28), y: samples.y.subarray(0, 60 * 12), n: 60 };
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
  await assert.rejects(new RefitPool(samples, OPTIONS, 2).scoreAll(nets), /no samples to judge on/);
});
