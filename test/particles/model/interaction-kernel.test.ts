import assert from "node:assert/strict";
import { test } from "node:test";

import { readNpz } from "../../../src/io/npz";
import {
  InteractionKernel,
  type KernelForward,
} from "../../../src/particles/model/interaction-kernel";
import { allParts, type NetworkParts } from "../../../src/particles/model/network-parts";
import { MAX_REFINEMENT } from "../../../src/particles/model/step-control";

const data = readNpz("data/particles/ee1e1d5f36.npz");
const batch = 6;
const x = data.train_x.data.slice(0, batch * 28) as Float32Array;
/** Weights that are neither zero nor symmetric, so that every path of the network carries signal. */
const weightsFor = (kernel: InteractionKernel): Float64Array[] =>
  kernel
    .paramSizes()
    .map((n, k) => Float64Array.from({ length: n }, (_, i) => 0.3 * Math.sin(1.7 * i + k) + 0.05));
/** A fixed direction in output space: the loss whose gradient is checked is out · direction. */
const direction = Float64Array.from({ length: batch * 12 }, (_, i) => Math.cos(0.9 * i));
/** out · direction; with `replay`, on the substep lengths of that earlier forward pass. */
const loss = (kernel: InteractionKernel, params: Float64Array[], replay?: KernelForward): number =>
  kernel.forward(x, batch, params, false, replay).out.reduce((s, o, i) => s + o * direction[i], 0);

/** A forward pass with a tape on `x`, and its backward pass from `direction`. */
const bothPasses = (kernel: InteractionKernel, params: Float64Array[]) => {
  const forward = kernel.forward(x, batch, params);
  return { ...forward, grads: kernel.backward(x, batch, params, forward, direction) };
};

/** Every pair input whose value does not change when i and j swap. */
const MIRRORED_INPUTS = ["d", "inv_d", "radial_speed", "speed", "qiqj", "vi_vj"] as const;

const variants: { name: string; make: () => InteractionKernel }[] = [
  { name: "hidden [6]", make: () => new InteractionKernel([6], 3, 0.5) },
  { name: "hidden [4, 3]", make: () => new InteractionKernel([4, 3], 3, 0.5) },
  {
    name: "property factors",
    make: () => new InteractionKernel([6], 2, 0.5, { factors: true }),
  },
  {
    // η small enough that these weights' accelerations refine some samples' substeps.
    name: "step control",
    make: () => new InteractionKernel([6], 2, 0.5, { stepControl: 0.05 }),
  },
  {
    // Every part: own velocities, cross products, two learned axes, three bodies, the inertia.
    name: "every part",
    make: () => new InteractionKernel([5], 2, 0.5, { factors: true, parts: allParts(2, 3) }),
  },
  {
    name: "a few parts",
    make: () =>
      new InteractionKernel([3], 2, 0.5, {
        parts: {
          inputs: ["inv_d", "axis0", "vi_vj"],
          outputs: ["vi_x_rhat", "axis0", "vj"],
          axes: 1,
          triplet: { inputs: ["djk", "qk"], hidden: 2 },
          field: ["radial", "uniform"],
          inertia: false,
        },
      }),
  },
  {
    // Inputs that do not change when i and j swap: pair (j, i) copies pair (i, j)'s MLP record.
    name: "mirrored pairs",
    make: () =>
      new InteractionKernel([4], 2, 0.5, {
        factors: true,
        parts: { ...allParts(0, 0), inputs: [...MIRRORED_INPUTS], outputs: ["rhat", "u", "vi"] },
      }),
  },
  {
    // The pair passes unrolled from the first evaluation on (see PairTerm).
    name: "unrolled pairs",
    make: () =>
      new InteractionKernel([4], 2, 0.5, {
        factors: true,
        unrollAfter: 1,
        parts: { ...allParts(0, 0), inputs: ["inv_d", "qi", "speed"], outputs: ["rhat", "vj"] },
      }),
  },
  {
    name: "no pair function, a trap",
    make: () =>
      new InteractionKernel([3], 2, 0.5, {
        parts: { inputs: [], outputs: [], axes: 0, triplet: null, field: ["trap"], inertia: true },
      }),
  },
];
for (const { name, make } of variants) {
  test(`backward's gradient matches central finite differences (${name})`, () => {
    const kernel = make();
    const params = weightsFor(kernel);
    const forward = kernel.forward(x, batch, params);
    const grads = kernel.backward(x, batch, params, forward, direction);
    const h = 1e-5;
    let checked = 0;
    params.forEach((p, k) => {
      for (let i = 0; i < p.length; i++) {
        const saved = p[i];
        p[i] = saved + h;
        // The substep lengths held at the unperturbed pass's: they are constants of backward.
        const up = loss(kernel, params, forward);
        p[i] = saved - h;
        const down = loss(kernel, params, forward);
        p[i] = saved;
        const numeric = (up - down) / (2 * h);
        const tol = 1e-5 * Math.max(1, Math.abs(numeric));
        assert.ok(
          Math.abs(grads[k][i] - numeric) < tol,
          `param ${k}[${i}]: backward ${grads[k][i]}, finite difference ${numeric}`,
        );
        checked++;
      }
    });
    assert.equal(
      checked,
      kernel.paramSizes().reduce((a, b) => a + b, 0),
    );
  });
}

test("forward gives the same outputs with and without a tape; backward refuses a missing tape", () => {
  const kernel = new InteractionKernel([6], 4, 0.5);
  const params = weightsFor(kernel);
  const kept = kernel.forward(x, batch, params, true);
  const bare = kernel.forward(x, batch, params, false);
  assert.deepEqual(bare.out, kept.out);
  assert.equal(bare.tape.length, 0);
  assert.throws(() => kernel.backward(x, batch, params, bare, direction), /tape/);
});

test("a forward pass's tape serves backward until the next taped pass writes over it", () => {
  const kernel = new InteractionKernel([6], 4, 0.5, { parts: allParts(1, 2) });
  const params = weightsFor(kernel);
  const first = kernel.forward(x, batch, params, true);
  const grads = kernel.backward(x, batch, params, first, direction);
  // A pass without a tape leaves the tape alone: the same gradient, to the last bit.
  kernel.forward(x, batch, params, false);
  assert.deepEqual(kernel.backward(x, batch, params, first, direction), grads);
  const shifted = params.map((p) => p.map((v) => v + 0.01));
  const second = kernel.forward(x, batch, shifted, true);
  assert.throws(
    () => kernel.backward(x, batch, params, first, direction),
    /latest forward pass with a tape/,
  );
  assert.notDeepEqual(kernel.backward(x, batch, shifted, second, direction), grads);
});

test("step control refines the substeps of some samples only, and replays them exactly", () => {
  const kernel = new InteractionKernel([6], 2, 0.5, { stepControl: 0.05 });
  const params = weightsFor(kernel);
  const kept = kernel.forward(x, batch, params, true);
  const counts = Array.from({ length: batch }, (_, b) => kept.starts[b + 1] - kept.starts[b]);
  assert.ok(Math.min(...counts) >= 2 && Math.max(...counts) > 2, `substeps ${counts}`);
  assert.ok(Math.max(...counts) <= 2 * MAX_REFINEMENT);
  for (let b = 0; b < batch; b++) {
    const own = kept.steps.subarray(kept.starts[b], kept.starts[b + 1]);
    assert.ok(Math.abs(own.reduce((a, t) => a + t, 0) - 0.5) < 1e-12, `sample ${b}'s steps sum`);
  }
  assert.deepEqual(kernel.forward(x, batch, params, false).out, kept.out);
  assert.deepEqual(kernel.forward(x, batch, params, false, kept).out, kept.out);
});

test("step control follows a close encounter more accurately than equal substeps of as many evaluations", () => {
  // Strong pair forces: one hidden unit tanh(0.1 / d) times -30 pulls every pair together with
  // an acceleration of about 3 / d (at most 30).
  const make = (options: object, substeps: number) =>
    new InteractionKernel([6], substeps, 0.5, options);
  const attract = (kernel: InteractionKernel): Float64Array[] => {
    const params = kernel.paramSizes().map((n) => new Float64Array(n));
    params[0][1 * 6] = 0.1; // w0: input 1/d into unit 0
    params[2][0] = -30; // w1: unit 0 into α
    return params;
  };
  const reference = make({}, 2048);
  const truth = reference.forward(x, batch, attract(reference), false).out;
  const controlled = make({ stepControl: 0.1 }, 4);
  const run = controlled.forward(x, batch, attract(controlled), false);
  const evaluations = run.starts[batch] / batch;
  const equal = make({}, Math.ceil(evaluations));
  const error = (out: Float64Array) => out.reduce((s, o, i) => s + (o - truth[i]) ** 2, 0);
  assert.ok(evaluations > 4, `mean substeps ${evaluations}`);
  assert.ok(
    error(run.out) < 0.5 * error(equal.forward(x, batch, attract(equal), false).out),
    `controlled ${error(run.out)}, equal ${error(equal.forward(x, batch, attract(equal), false).out)}`,
  );
});

test("a pair that copies its mirror's MLP record gives the numbers computing it gives, to the bit", () => {
  const parts: NetworkParts = {
    ...allParts(0, 0),
    inputs: [...MIRRORED_INPUTS],
    outputs: ["rhat", "u", "vi", "vj", "vi_x_rhat"],
  };
  const options = { factors: true, stepControl: 0.05 };
  const mirrored = new InteractionKernel([4], 3, 0.5, { ...options, parts });
  // The same network with one more input, qi, which changes when i and j swap: no pair copies
  // another's record, and with its weights at 0 the input adds 0 to each sum it enters.
  const computed = new InteractionKernel([4], 3, 0.5, {
    ...options,
    parts: { ...parts, inputs: [...parts.inputs, "qi"] },
  });
  const params = weightsFor(mirrored);
  // w0 is (inputs, hidden) row by row: qi's row of zeros goes last.
  const withQi = params.map((p, k) => (k === 0 ? Float64Array.of(...p, 0, 0, 0, 0) : p));
  const a = bothPasses(mirrored, params);
  const b = bothPasses(computed, withQi);
  assert.deepEqual(a.out, b.out);
  assert.deepEqual(a.steps, b.steps);
  assert.ok(a.starts[batch] > 3 * batch, "no sample was refined");
  assert.deepEqual(a.grads[0], b.grads[0].subarray(0, a.grads[0].length));
  assert.deepEqual(a.grads.slice(1), b.grads.slice(1));
});

test("pair passes that unroll give the numbers the passes per pair give, to the bit", () => {
  const mirrored: NetworkParts = { ...allParts(0, 0), inputs: ["d", "inv_d"], outputs: ["rhat"] };
  const velocity: NetworkParts = {
    ...allParts(0, 0),
    inputs: ["d", "radial_speed", "speed", "vi_vj"],
  };
  // Pairs per call: all 12 in one function for the small network (its mirrored pairs copying
  // their mirror's record), fewer for the larger ones, whose 12 would be too long for one.
  const networks: { hidden: number[]; parts: NetworkParts; perCall: (n: number) => boolean }[] = [
    { hidden: [1], parts: mirrored, perCall: (n) => n === 12 },
    { hidden: [2], parts: { ...velocity, outputs: ["rhat", "u"] }, perCall: (n) => n >= 3 },
    {
      hidden: [3, 2],
      parts: {
        ...allParts(1, 0),
        inputs: ["inv_d", "axis0", "radial_vi", "qj"],
        outputs: ["vi_x_rhat", "axis0", "vj"],
        field: ["trap"],
      },
      perCall: (n) => n >= 3 && n < 12,
    },
  ];
  for (const { hidden, parts, perCall } of networks) {
    const options = { factors: true, stepControl: 0.05, parts };
    const perPair = new InteractionKernel(hidden, 3, 0.5, { ...options, unrollAfter: Infinity });
    // Unrolls at its first evaluation: that one runs per pair, every later one unrolled.
    const unrolled = new InteractionKernel(hidden, 3, 0.5, { ...options, unrollAfter: 1 });
    const params = weightsFor(perPair);
    for (let pass = 0; pass < 2; pass++) {
      const a = bothPasses(perPair, params);
      const b = bothPasses(unrolled, params);
      assert.deepEqual(b.out, a.out);
      assert.deepEqual(b.steps, a.steps);
      assert.deepEqual(b.grads, a.grads);
    }
    const { forward, backward } = unrolled.pairsPerCall;
    assert.ok(perCall(forward) && perCall(backward), `hidden ${hidden}: ${forward}, ${backward}`);
    assert.deepEqual(perPair.pairsPerCall, { forward: 1, backward: 1 });
  }
  // A network whose unrolled passes would be long keeps its passes per pair.
  const broad = new InteractionKernel([8], 2, 0.5, { parts: allParts(3, 3), unrollAfter: 1 });
  broad.forward(x, batch, weightsFor(broad), false);
  assert.deepEqual(broad.pairsPerCall, { forward: 1, backward: 1 });
});
