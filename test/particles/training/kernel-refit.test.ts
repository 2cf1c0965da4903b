import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import { type InteractionConfig, kernelOf } from "../../../src/particles/model/interaction-layer";
import { kernelParams, type SizedNetwork } from "../../../src/particles/model/network-surgery";
import { refitOnKernel } from "../../../src/particles/training/kernel-refit";
import { networkScore } from "../../../src/particles/training/prune";
import { patternedWeights } from "../../fixtures/patterned-weights";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const n = 200;
const x = data.train_x.data.slice(0, n * 28) as Float32Array;
const config: InteractionConfig = { hidden: [3], seed: 1, factors: true };
const OPTIONS = { steps: 60, batchSize: 32, learningRate: 0.01, seed: 4, clipGradients: 10 };

/** A teacher network's outputs as targets, and a student: the teacher with every weight moved. */
function teacherAndStudent(): {
  student: SizedNetwork;
  samples: { x: Float32Array; y: Float32Array; n: number };
} {
  const teacher = {
    config,
    weights: patternedWeights(config, (i, k) => 0.5 * Math.sin(1.1 * i + k)),
  };
  const kernel = kernelOf(config);
  const y = Float32Array.from(kernel.forward(x, n, kernelParams(teacher, kernel), false).out);
  const student = {
    config,
    weights: patternedWeights(
      config,
      (i, k) => 0.5 * Math.sin(1.1 * i + k) + 0.1 * Math.cos(3 * i + k),
    ),
  };
  return { student, samples: { x, y, n } };
}

test("a refit lowers a network's error on the samples it is fit to, leaves the network given alone and repeats exactly", () => {
  const { student, samples } = teacherAndStudent();
  const before = student.weights.get("w0")!.data.slice();
  const refit = refitOnKernel(student, samples, OPTIONS);
  assert.deepEqual(student.weights.get("w0")!.data, before);
  const was = networkScore(student, samples).mse;
  const now = networkScore(refit, samples).mse;
  assert.ok(now < 0.5 * was, `MSE ${was} → ${now}`);
  const again = refitOnKernel(student, samples, OPTIONS);
  for (const [name, w] of refit.weights)
    assert.deepEqual(again.weights.get(name)!.data, w.data, name);
  const other = refitOnKernel(student, samples, { ...OPTIONS, seed: 5 });
  assert.notDeepEqual(other.weights.get("w0")!.data, refit.weights.get("w0")!.data);
});
