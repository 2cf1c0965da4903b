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

/** The full network with the part's own weights set to 0 (for a field part, its effect removed). */
function zeroed(net: SizedNetwork, part: string): SizedNetwork {
  const w: NamedWeights = new Map(
    [...net.weights].map(([k, v]) => [k, { shape: v.shape, data: v.data.slice() }]),
  );
  const found = removableParts(net.config).find((p) => p.name === part)!;
  for (const { array, index } of found.weights) w.get(array)!.data[index] = 0;
  // A field part's gate stays, and with its weights at 0 it adds nothing; a removed input leaves
  // its row at 0; so do the rest. A hidden unit at 0 weights still feeds tanh(0) = 0 onwards.
  return { config: net.config, weights: w };
}

test("removing a part gives the network whose part is zeroed, with fewer weights", () => {
  const net: SizedNetwork = { config: design, weights: weightsOf(design) };
  const parts = removableParts(design);
  assert.ok(parts.length > 30, `${parts.length} parts`);
  for (const { name } of parts) {
    const smaller = removePart(net, name);
    assert.ok(weightCount(smaller) < weightCount(net), name);
    const a = outputs(smaller);
    const b = outputs(zeroed(net, name));
    const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    assert.ok(worst < 1e-12, `${name}: differs by ${worst}`);
  }
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
