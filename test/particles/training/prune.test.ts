import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import { type InteractionConfig, kernelOf } from "../../../src/particles/model/interaction-layer";
import { allParts } from "../../../src/particles/model/network-parts";
import {
  kernelParams,
  type NetworkPart,
  removableParts,
  type SizedNetwork,
  weightCount,
} from "../../../src/particles/model/network-surgery";
import {
  networkScore,
  pruneByScore,
  type Removal,
  smallestParts,
} from "../../../src/particles/training/prune";
import { RefitPool } from "../../../src/particles/training/refit-pool";
import { SeededRandom } from "../../../src/random/seeded";
import { patternedWeights } from "../../fixtures/patterned-weights";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const n = 120;
const x = data.train_x.data.slice(0, n * 28) as Float32Array;
const design: InteractionConfig = { hidden: [4], seed: 3, factors: true, parts: allParts(1, 2) };
const IDLE = ["three-body", "axis 0", "field trap", "field radial", "field drag", "inertia"];

/**
 * A network whose three-body function, axis and field parts but the uniform one are all 0: the
 * parts a law without them leaves at 0 under pressure.
 */
function networkWithIdleParts(): SizedNetwork {
  const weights = patternedWeights(design, (i, k) => 0.4 * Math.sin(1.3 * i + 2 * k));
  const idle = removableParts(design).filter((p) => IDLE.includes(p.name));
  for (const part of idle) for (const w of part.weights) weights.get(w.array)!.data[w.index] = 0;
  return { config: design, weights };
}

/** The idle network and targets its own outputs plus noise of variance 1e-6 (its MSE is the noise's). */
function idleNetworkAndTargets(): {
  net: SizedNetwork;
  samples: { x: Float32Array; y: Float32Array; n: number };
} {
  const net = networkWithIdleParts();
  const kernel = kernelOf(design);
  const out = kernel.forward(x, n, kernelParams(net, kernel), false).out;
  const random = new SeededRandom(5);
  const y = Float32Array.from(out, (v) => v + 1e-3 * random.normal());
  return { net, samples: { x, y, n } };
}

for (const consider of [Infinity, 8])
  test(`pruning trying ${consider} parts a step removes the parts that carry nothing and keeps those the targets need`, async () => {
    const { net, samples } = idleNetworkAndTargets();
    const before = networkScore(net, samples);
    const { net: kept, removals } = await pruneByScore(
      net,
      samples,
      1.5 * before.mse,
      undefined,
      consider,
    );
    const after = networkScore(kept, samples);
    const removed = removals.map((r) => r.part);
    for (const idle of IDLE)
      assert.ok(removed.includes(idle), `${idle} kept; removed: ${removed.join(", ")}`);
    assert.ok(weightCount(kept) < weightCount(net));
    assert.ok(after.score >= before.score);
    assert.ok(after.mse <= 1.5 * before.mse);
    // The pair function's outputs along r̂ and u carry the targets' signal: they stay.
    for (const needed of ["rhat", "u"])
      assert.ok(kept.config.parts!.outputs.includes(needed as never), needed);
    // Each removal was scored on the network it left, in order, never falling.
    removals.reduce((s, r) => (assert.ok(r.score >= s), r.score), before.score);
  });

test("pruning never leaves a network of no weights, whose score is not defined", async () => {
  const config: InteractionConfig = {
    hidden: [2],
    seed: 1,
    parts: { inputs: ["d"], outputs: ["rhat"], axes: 0, triplet: null, field: [], inertia: true },
  };
  const kernel = kernelOf(config);
  const zero = patternedWeights(config, () => 0);
  const net = { config, weights: zero };
  const out = kernel.forward(x, n, kernelParams(net, kernel), false).out;
  const random = new SeededRandom(6);
  const y = Float32Array.from(out, (v) => v + 1e-3 * random.normal());
  const { net: kept } = await pruneByScore(net, { x, y, n }, Infinity);
  assert.ok(weightCount(kept) > 0);
  assert.ok(weightCount(kept) < weightCount(net));
});

test("the parts pruning tries first are those of the smallest weight norm", () => {
  const net = networkWithIdleParts();
  const norm = (p: NetworkPart) =>
    Math.hypot(...p.weights.map((w) => net.weights.get(w.array)!.data[w.index]));
  const all = smallestParts(net, Infinity);
  assert.equal(all.length, removableParts(design).length);
  all.map(norm).reduce((a, b) => (assert.ok(b >= a), b));
  // The idle parts (and their inputs and units, also 0) come first.
  const idle = all.filter((p) => norm(p) === 0).map((p) => p.name);
  for (const name of IDLE) assert.ok(idle.includes(name), name);
  assert.deepEqual(
    smallestParts(net, idle.length).map((p) => p.name),
    idle,
  );
});

test("with a refit, pruning removes a hidden unit that duplicates another, which it cannot remove as the network stands; refits over two threads prune alike", async () => {
  // A teacher of two units, and the same function written with three: unit 2 is unit 1 again, each
  // carrying half of unit 1's output. Removing either halves that output until a refit doubles it.
  const teacher: InteractionConfig = { hidden: [2], seed: 2, factors: true };
  const tw = patternedWeights(teacher, (i, k) => 0.5 * Math.sin(1.7 * i + k));
  const tKernel = kernelOf(teacher);
  const out = tKernel.forward(
    x,
    n,
    kernelParams({ config: teacher, weights: tw }, tKernel),
    false,
  ).out;
  const random = new SeededRandom(8);
  const samples = { x, y: Float32Array.from(out, (v) => v + 1e-2 * random.normal()), n };
  const config: InteractionConfig = { ...teacher, hidden: [3] };
  const w = patternedWeights(config, () => 0);
  const nIn = tw.get("w0")!.shape[0];
  const nOut = tw.get("w1")!.shape[1];
  for (let m = 0; m < nIn; m++)
    for (const [h, from] of [
      [0, 0],
      [1, 1],
      [2, 1],
    ])
      w.get("w0")!.data[m * 3 + h] = tw.get("w0")!.data[m * 2 + from];
  for (const [h, from] of [
    [0, 0],
    [1, 1],
    [2, 1],
  ]) {
    w.get("b0")!.data[h] = tw.get("b0")!.data[from];
    for (let o = 0; o < nOut; o++)
      w.get("w1")!.data[h * nOut + o] =
        tw.get("w1")!.data[from * nOut + o] * (from === 1 ? 0.5 : 1);
  }
  for (const [name, a] of tw) if (!["w0", "b0", "w1"].includes(name)) w.get(name)!.data.set(a.data);
  const net = { config, weights: w };
  const maxMse = 1.5 * networkScore(net, samples).mse;
  const hiddenRemoved = (removals: Removal[]) =>
    removals.filter((r) => r.part.startsWith("hidden"));
  assert.deepEqual(hiddenRemoved((await pruneByScore(net, samples, maxMse)).removals), []);
  const pruneWithRefits = async (threads: number) => {
    const options = { steps: 100, batchSize: 40, learningRate: 0.01, seed: 1, clipGradients: 10 };
    const pool = new RefitPool(samples, options, threads, samples);
    try {
      const refit = {
        refitAll: (nets: SizedNetwork[]) => pool.refitAll(nets),
        candidates: 3,
        scoreAll: (nets: SizedNetwork[]) => pool.scoreAll(nets),
      };
      return await pruneByScore(net, samples, maxMse, undefined, Infinity, refit);
    } finally {
      await pool.close();
    }
  };
  const { net: kept, removals } = await pruneWithRefits(1);
  // Refits and scores in worker threads give the same networks, so the same pruning, to the last bit.
  const inWorkers = await pruneWithRefits(2);
  assert.deepEqual(inWorkers.removals, removals);
  assert.deepEqual(inWorkers.net, kept);
  const removed = hiddenRemoved(removals);
  assert.equal(removed.length, 1, removals.map((r) => r.part).join(", "));
  assert.ok(["hidden 1", "hidden 2"].includes(removed[0].part), removed[0].part);
  assert.ok(removed[0].refit);
  assert.deepEqual(kept.config.hidden, [2]);
  assert.ok(networkScore(kept, samples).mse <= maxMse);
});
