import assert from "node:assert/strict";
import { test } from "node:test";

import { loadParticles } from "../../../src/particles/data/particle-data";
import { runDesign, trainValSamples } from "../../../src/particles/experiments/runs";
import { PLAIN_DESIGN, SUBSTEP_DESIGN } from "../../../src/particles/model/designs";
import { interactionParamCount } from "../../../src/particles/model/interaction-layer";
import { trainInParallel } from "../../../src/particles/training/job-pool";
import { headSamples } from "../../../src/particles/training/train";
import { initBackend } from "../../../src/runtime/tf-backend";

const file = "data/particles/ee1e1d5f36.npz";
const limit = { train: 400, val: 100 };
const options = { epochs: 1, batchSize: 128 };

test("jobs in worker threads give exactly what the same training gives in this thread", async () => {
  const [worker, other, again] = await trainInParallel([
    { file, design: "substep", options, limit, linear: true },
    { file, design: "plain", options, limit },
    { file, design: "substep", options, limit },
  ]);
  assert.equal(again.result!.valMse, worker.result!.valMse);
  await initBackend();
  const split = trainValSamples(loadParticles(file), 0);
  const here = await runDesign(
    "substep",
    headSamples(split.train, limit.train),
    headSamples(split.val, limit.val),
    options,
  );
  assert.equal(worker.backend, await initBackend());
  assert.equal(worker.result!.valMse, here.result.valMse);
  assert.equal(worker.result!.params, interactionParamCount(SUBSTEP_DESIGN));
  assert.equal(other.result!.params, interactionParamCount(PLAIN_DESIGN));
  assert.ok(
    worker.linear!.params === 348 && worker.linear!.valMse > 0,
    JSON.stringify(worker.linear),
  );
  assert.equal(other.linear, undefined);
  // Each says how long it took to read its data set.
  for (const r of [worker, other, again])
    assert.ok(Number.isFinite(r.dataSeconds) && r.dataSeconds! >= 0, String(r.dataSeconds));
});

test("a job that fails rejects with its data set named", async () => {
  await assert.rejects(
    trainInParallel([{ file: "zoo:no-such-law", design: "substep", options }]),
    /zoo:no-such-law \(substep\): no law no-such-law in the zoo/,
  );
});
