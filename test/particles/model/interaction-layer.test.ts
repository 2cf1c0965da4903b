import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { readNpz } from "../../../src/io/npz";
import { InteractionKernel } from "../../../src/particles/model/interaction-kernel";
import {
  buildInteractionModel,
  DEFAULT_SUBSTEPS,
  interactionLayerOf,
  interactionParamCount,
  OBSERVATION_STEP,
} from "../../../src/particles/model/interaction-layer";
import { allParts } from "../../../src/particles/model/network-parts";
import { removableParts } from "../../../src/particles/model/network-surgery";
import { initBackend } from "../../../src/runtime/tf-backend";

const x = readNpz("data/particles/ee1e1d5f36.npz").train_x.data.slice(0, 64 * 28) as Float32Array;
const y = readNpz("data/particles/ee1e1d5f36.npz").train_y.data.slice(0, 64 * 12) as Float32Array;
const predict = (model: tf.LayersModel, input: Float32Array): Float32Array =>
  tf.tidy(
    () =>
      (
        model.predict(tf.tensor3d(input, [input.length / 28, 4, 7])) as tf.Tensor
      ).dataSync() as Float32Array,
  );
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < tol, `max difference ${worst}`);
};
/** Sets the named weights of a model (by the end of their names), leaving the others. */
const setWeights = (model: tf.LayersModel, values: Record<string, number[]>): void => {
  model.setWeights(
    model.weights.map((w) => {
      const key = Object.keys(values).find((k) => w.name.endsWith(`/${k}`));
      return key ? tf.tensor(values[key], w.shape as number[]) : w.read();
    }),
  );
};
/** Every weight nudged by a fixed pattern, so that no part of the network is idle. */
const perturbed = (model: tf.LayersModel): tf.LayersModel => {
  model.setWeights(
    model
      .getWeights()
      .map((w, i) =>
        tf.tidy(() =>
          tf.add(w, tf.mul(0.05, tf.sin(tf.add(tf.range(0, w.size), i)).reshape(w.shape))),
        ),
      ),
  );
  return model;
};

test("the parameter count from the widths equals tfjs's own count", async () => {
  await initBackend();
  for (const hidden of [[6], [8, 8], [16]]) {
    assert.equal(
      buildInteractionModel({ hidden, seed: 1 }).countParams(),
      interactionParamCount({ hidden }),
    );
  }
  const factors = buildInteractionModel({ hidden: [6], seed: 1, factors: true });
  assert.equal(factors.countParams(), interactionParamCount({ hidden: [6], factors: true }));
  assert.equal(factors.countParams(), interactionParamCount({ hidden: [6] }) + 8);
});

test("with an isotropic field term, rotating the inputs about the origin rotates the outputs", async () => {
  await initBackend();
  const model = perturbed(buildInteractionModel({ hidden: [6], seed: 1 }));
  // Pair terms are rotation-invariant; a field that is a multiple of the identity is too.
  setWeights(model, {
    field_p: [0.3, 0, 0, 0.3, 0, 0.3], // the 6 free entries of the symmetric A, row by row
    field_v: [-0.2, 0, 0, 0, -0.2, 0, 0, 0, -0.2],
    field_c: [0, 0, 0],
  });
  const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
  const R = [
    [c, -s, 0],
    [s * 0.6, c * 0.6, -0.8],
    [s * 0.8, c * 0.8, 0.6],
  ];
  const rot = (v: ArrayLike<number>): number[] =>
    R.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
  const moved = x.slice();
  for (let k = 0; k < x.length / 7; k++) {
    moved.set(
      [...rot(x.subarray(k * 7, k * 7 + 3)), ...rot(x.subarray(k * 7 + 3, k * 7 + 6))],
      k * 7,
    );
  }
  const out = predict(model, x);
  const expected = new Float32Array(out.length);
  for (let k = 0; k < out.length / 3; k++) expected.set(rot(out.subarray(k * 3, k * 3 + 3)), k * 3);
  close(predict(model, moved), expected);
});

test("the network treats particles alike: permuting them permutes the outputs", async () => {
  await initBackend();
  const model = perturbed(buildInteractionModel({ hidden: [6], seed: 2 }));
  const perm = [2, 0, 3, 1];
  const permuted = x.slice();
  for (let b = 0; b < x.length / 28; b++)
    perm.forEach((from, to) =>
      permuted.set(x.subarray(b * 28 + from * 7, b * 28 + from * 7 + 7), b * 28 + to * 7),
    );
  const out = predict(model, x);
  const expected = new Float32Array(out.length);
  for (let b = 0; b < out.length / 12; b++)
    perm.forEach((from, to) =>
      expected.set(out.subarray(b * 12 + from * 3, b * 12 + from * 3 + 3), b * 12 + to * 3),
    );
  close(predict(model, permuted), expected);
});

test("a uniform field that is not rotation-symmetric is integrated exactly: p + v t + g t²/2", async () => {
  await initBackend();
  const model = buildInteractionModel({ hidden: [6], seed: 3 });
  const zeros = (n: number): number[] => new Array<number>(n).fill(0);
  // No pair terms (the last layer is zero), a uniform acceleration g along a tilted direction.
  const g = [0.4, -0.3, -1.1];
  setWeights(model, { w1: zeros(12), b1: zeros(2), field_c: g });
  const t = OBSERVATION_STEP;
  const expected = new Float32Array((x.length / 7) * 3);
  for (let k = 0; k < x.length / 7; k++)
    for (let c = 0; c < 3; c++)
      expected[k * 3 + c] = x[k * 7 + c] + x[k * 7 + 3 + c] * t + 0.5 * g[c] * t * t;
  close(predict(model, x), expected, 1e-5);
});

for (const options of [{}, { factors: true }, { stepControl: 0.05 }]) {
  test(`the layer's tfjs gradients are the kernel's, weight by weight (${JSON.stringify(options)})`, async () => {
    await initBackend();
    const model = perturbed(buildInteractionModel({ hidden: [6], seed: 5, ...options }));
    const xs = tf.tensor3d(x, [64, 4, 7]);
    const direction = tf.sin(tf.range(0, 64 * 12)).reshape([64, 4, 3]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(direction, model.apply(xs) as tf.Tensor)) as tf.Scalar,
      vars,
    );
    const kernel = new InteractionKernel([6], DEFAULT_SUBSTEPS, OBSERVATION_STEP, options);
    const params = model.getWeights().map((w) => Float64Array.from(w.dataSync()));
    const forward = kernel.forward(x, 64, params);
    if ("stepControl" in options) assert.ok(forward.starts[64] > 64 * DEFAULT_SUBSTEPS);
    const expected = kernel.backward(x, 64, params, forward, direction.dataSync());
    assert.equal(vars.length, expected.length);
    vars.forEach((v, k) => close(grads[v.name].dataSync(), expected[k], 1e-5));
  });
}

test("the wasm backend trains as the cpu backend does: same outputs, gradients and steps", async () => {
  // The kernel computes in JavaScript on either backend; the loss and Adam are tfjs ops.
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const model = perturbed(buildInteractionModel({ hidden: [6], seed: 4 }));
    const xs = tf.tensor3d(x, [64, 4, 7]);
    const ys = tf.tensor3d(y, [64, 4, 3]);
    const loss = () => tf.mean(tf.squaredDifference(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss);
    const flat = Object.values(grads).flatMap((g) => Array.from(g.dataSync()));
    const optimizer = tf.train.adam(0.03);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    for (let s = 0; s < 6; s++) optimizer.minimize(loss, false, vars);
    return { grads: flat, out: Array.from((model.predict(xs) as tf.Tensor).dataSync()) };
  };
  await initBackend();
  const wasm = await run("wasm");
  const cpu = await run("cpu");
  await tf.setBackend("wasm");
  close(wasm.grads, cpu.grads, 1e-5);
  close(wasm.out, cpu.out, 1e-3);
});

test("the pressure adds ρ L √k / P · w_g / |w_g| to each removable part's gradient, and nothing when off", async () => {
  await initBackend("cpu");
  const config = { hidden: [3], seed: 2, factors: true, parts: allParts(1, 2) };
  const model = buildInteractionModel(config);
  const layer = interactionLayerOf(model);
  const n = 16;
  const xb = tf.tensor3d(x.subarray(0, n * 28), [n, 4, 7]);
  const yb = tf.tensor3d(y.subarray(0, n * 12), [n, 4, 3]);
  const lossOf = () => tf.mean(tf.squaredDifference(yb, model.apply(xb) as tf.Tensor)) as tf.Scalar;
  const gradsOf = () => {
    const { value, grads } = tf.variableGrads(lossOf);
    const byName = new Map(
      Object.entries(grads).map(([k, g]) => [k.split("/").pop()!, Float64Array.from(g.dataSync())]),
    );
    return { loss: value.dataSync()[0], byName };
  };
  const off = gradsOf();
  const rho = 2;
  layer.setPressure(rho);
  const on = gradsOf();
  layer.setPressure(0);
  assert.deepEqual([...gradsOf().byName.get("w0")!], [...off.byName.get("w0")!]);
  const weights = layer.namedWeights();
  const total = model.countParams();
  const expected = new Map([...off.byName].map(([k, g]) => [k, g.slice()]));
  for (const part of removableParts(config)) {
    const norm = Math.hypot(...part.weights.map((w) => weights.get(w.array)!.data[w.index]));
    // A part at exactly 0 (the factors and gates start there) has no direction to be pulled in.
    if (norm === 0) continue;
    for (const w of part.weights)
      expected.get(w.array)![w.index] +=
        (rho * off.loss * Math.sqrt(part.weights.length) * weights.get(w.array)!.data[w.index]) /
        (total * norm);
  }
  let moved = 0;
  for (const [k, g] of on.byName) {
    close(g, expected.get(k)!, 1e-7);
    moved += g.reduce((s, v, i) => s + Math.abs(v - off.byName.get(k)![i]), 0);
  }
  assert.ok(moved > 0, "the pressure changed no gradient");
});

test("a network of every part saves and reloads with its parts and predictions (names tfjs would camelCase)", async () => {
  await initBackend("cpu");
  const config = { hidden: [3], seed: 4, factors: true, parts: allParts(2, 2) };
  const model = buildInteractionModel(config);
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.deepEqual(interactionLayerOf(loaded).getConfig().parts, config.parts);
  close(predict(loaded, x.subarray(0, 8 * 28)), predict(model, x.subarray(0, 8 * 28)), 1e-7);
});

test("lossAndGradients gives tfjs's loss and gradients of the MSE to the bit, without tfjs, with and without pressure", async () => {
  await initBackend();
  const config = { hidden: [3], seed: 4, factors: true, parts: allParts(1, 2) };
  const model = perturbed(buildInteractionModel(config));
  const layer = interactionLayerOf(model);
  const n = 48;
  const viaTfjs = (xs: Float32Array, ys: Float32Array) =>
    tf.tidy(() => {
      const xb = tf.tensor3d(xs, [n, 4, 7]);
      const yb = tf.tensor3d(ys, [n, 4, 3]);
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.squaredDifference(yb, model.apply(xb) as tf.Tensor)) as tf.Scalar,
      );
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      return { loss: value.dataSync()[0], grads: vars.map((v) => [...grads[v.name].dataSync()]) };
    });
  for (const rho of [0, 2])
    for (const first of [0, 5, 16]) {
      layer.setPressure(rho);
      const xs = x.subarray(first * 28, (first + n) * 28);
      const ys = y.subarray(first * 12, (first + n) * 12);
      const expected = viaTfjs(xs, ys);
      const got = layer.lossAndGradients(xs, ys, n);
      assert.equal(got.loss, expected.loss, `loss, pressure ${rho}, from sample ${first}`);
      assert.equal(got.grads.length, expected.grads.length);
      got.grads.forEach((g, k) => assert.deepEqual([...g], expected.grads[k], `weights ${k}`));
    }
  layer.setPressure(0);
});
