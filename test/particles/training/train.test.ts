import assert from "node:assert/strict";
import { test } from "node:test";

import { mse } from "../../../src/math/mse";
import { loadParticles } from "../../../src/particles/data/particle-data";
import { trainValSamples } from "../../../src/particles/experiments/runs";
import { buildInteractionModel } from "../../../src/particles/model/interaction-layer";
import { headSamples } from "../../../src/particles/training/train";
import { predictFlat, trainModel } from "../../../src/particles/training/train";
import { initBackend } from "../../../src/runtime/tf-backend";

const { train, val } = trainValSamples(loadParticles("data/particles/5bf4506e86.npz"), 0);
const small = { train: headSamples(train, 2000), val: headSamples(val, 500) };

async function trainSmall(
  seed: number,
): Promise<{ first: number; best: number; weights: number[] }> {
  const model = buildInteractionModel({ hidden: [8], seed });
  const { history, bestValLoss } = await trainModel(model, small.train, small.val, {
    epochs: 4,
    batchSize: 128,
    seed,
  });
  return {
    first: history[0].valLoss,
    best: bestValLoss,
    weights: Array.from(predictFlat(model, small.val.x).slice(0, 24)),
  };
}

test("training on a small slice lowers the validation loss", async () => {
  await initBackend();
  const model = buildInteractionModel({ hidden: [8], seed: 1 });
  const before = mse(predictFlat(model, small.val.x), small.val.y);
  const r = await trainSmall(1);
  assert.ok(r.best < before * 0.5, `val MSE ${before} -> ${r.best}`);
});

test("training is deterministic for a seed", async () => {
  await initBackend();
  const a = await trainSmall(5);
  const b = await trainSmall(5);
  assert.deepEqual(a, b);
  const c = await trainSmall(6);
  assert.notDeepEqual(a.weights, c.weights);
});
