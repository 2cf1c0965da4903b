import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import {
  buildInteractionModel,
  type InteractionConfig,
  interactionLayerOf,
  kernelOf,
} from "../../../src/particles/model/interaction-layer";
import { allParts } from "../../../src/particles/model/network-parts";
import {
  kernelParams,
  type NamedWeights,
  removableParts,
  removePart,
  type SizedNetwork,
  weightCount,
  zeroPart,
} from "../../../src/particles/model/network-surgery";
import { predictFlat } from "../../../src/particles/training/train";
import { patternedWeights } from "../../fixtures/patterned-weights";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const batch = 5;
const x = data.train_x.data.slice(0, batch * 28) as Float32Array;
const design: InteractionConfig = {
  hidden: [4],
  seed: 3,
  factors: true,
  parts: allParts(2, 3),
};

/** Weights that are neither zero nor symmetric, so that every part carries signal. */
const weightsOf = (config: InteractionConfig): NamedWeights =>
  patternedWeights(config, (i, k) => 0.3 * Math.sin(1.3 * i + 2 * k) + 0.05);

function outputs(net: SizedNetwork): Float64Array {
  const kernel = kernelOf(net.config);
  return kernel.forward(x, batch, kernelParams(net, kernel), false).out;
}

test("removing a part gives the network whose part is zeroed, to the bit, with fewer weights", () => {
  // The whole network, and one already pruned of a part of each kind (zeroPart's shortcut in
  // pruning must hold at every step, not only the first).
  const whole: SizedNetwork = { config: design, weights: weightsOf(design) };
  let pruned = whole;
  for (const part of ["output u", "field drag", "three-body hidden 1", "axis 0", "hidden 2"])
    pruned = removePart(pruned, part);
  for (const net of [whole, pruned]) {
    const parts = removableParts(net.config);
    assert.ok(parts.length > 20, `${parts.length} parts`);
    for (const { name } of parts) {
      const smaller = removePart(net, name);
      assert.ok(weightCount(smaller) < weightCount(net), name);
      assert.deepEqual(outputs(zeroPart(net, name)), outputs(smaller), name);
    }
  }
  assert.throws(() => zeroPart(whole, "hidden 9"), /unknown network part "hidden 9"/);
});

test("a pruned network is a network of its own: tfjs builds it, counts its weights, and it predicts as the kernel does", () => {
  let net: SizedNetwork = { config: design, weights: weightsOf(design) };
  for (const part of [
    "output vi",
    "input speed",
    "hidden 1",
    "field drag",
    "axis 1",
    "three-body",
    "factors",
  ])
    net = removePart(net, part);
  const model = buildInteractionModel(net.config);
  interactionLayerOf(model).setNamedWeights(net.weights);
  assert.equal(model.countParams(), weightCount(net));
  // The layer's configuration (what a saved model reloads from) names the parts kept.
  assert.deepEqual(interactionLayerOf(model).getConfig().parts, net.config.parts);
  const fromTfjs = predictFlat(model, x);
  const fromKernel = outputs(net);
  const worst = fromTfjs.reduce((m, v, i) => Math.max(m, Math.abs(v - fromKernel[i])), 0);
  assert.ok(worst < 1e-4, `tfjs and the kernel differ by ${worst}`);
  assert.equal(net.config.parts!.axes, 1);
  assert.equal(net.config.parts!.triplet, null);
  assert.deepEqual(net.config.hidden, [3]);
});

test("removing the last output removes the whole pair function", () => {
  let net: SizedNetwork = {
    config: { hidden: [2], seed: 1, parts: { ...allParts(1, 0), outputs: ["rhat"] } },
    weights: new Map(),
  };
  net = { ...net, weights: weightsOf(net.config) };
  const smaller = removePart(net, "output rhat");
  assert.deepEqual(smaller.config.parts!.inputs, []);
  assert.equal(smaller.config.parts!.axes, 0);
  assert.ok(![...smaller.weights.keys()].some((k) => /^[wb]\d+$|^axes$/.test(k)));
  assert.equal(outputs(smaller).length, batch * 12);
});
