import assert from "node:assert/strict";
import { test } from "node:test";

import { KernelMlp } from "../../../src/particles/model/kernel-mlp";
import { allParts, type NetworkParts } from "../../../src/particles/model/network-parts";
import {
  mirroredPairs,
  PairTerm,
  type PairTermLayout,
} from "../../../src/particles/model/pair-term";

const layout: PairTermLayout = {
  positions: 0,
  velocities: 12,
  pairs: 24,
  eps: 1e-6,
  axes: -1,
  factors: -1,
};
const termOf = (parts: NetworkParts, withLayout = layout): PairTerm =>
  new PairTerm(
    parts,
    false,
    new KernelMlp([parts.inputs.length, 3, parts.outputs.length], 0, 12),
    withLayout,
  );
const SMALL: NetworkParts = { ...allParts(0, 0), inputs: ["d", "qiqj"], outputs: ["rhat"] };

test("PairTerm writes only the parts the network has", () => {
  const { forward, backward } = termOf(SMALL).source;
  assert.match(forward, /const x0 = d; rec\[act \+ 0\] = x0;/);
  assert.match(forward, /const x1 = qi \* qj; rec\[act \+ 1\] = x1;/);
  assert.match(forward, /const e00 = r0 \* invD/);
  // No other input or direction is computed, and the properties have no adjoint.
  assert.doesNotMatch(forward, /vi0 \* vj0|u1 \* r2|N\[/);
  assert.doesNotMatch(backward, /gm = g\[G \+ 1\]/);
  // The MLP is written into both passes, not called.
  assert.match(forward, /const a0 = x0, a1 = x1;/);
  assert.match(forward, /let a2 = B0\[0\] \+ a0 \* W0\[0\] \+ a1 \* W0\[3\];/);
  assert.match(backward, /const G = k \* 6;.*\{\nconst W0 = params\[0\]/s);
  assert.doesNotMatch(forward + backward, /mlpForward|mlpBackward/);
  // Nor the velocities, which neither pass reads without a velocity part, nor their adjoints.
  for (const pass of [forward, backward])
    assert.doesNotMatch(pass, /rec\[Vi|Math\.sqrt\(uu\)|ru \+=|gVel/);
  // A velocity input brings them back: the speed reads u, and u the velocities.
  const speed = termOf({ ...SMALL, inputs: ["d", "speed"] }).source.forward;
  assert.match(speed, /const vi0 = rec\[Vi \+ 0\];.*const u0 = vj0 - vi0;.*uu \+= u0 \* u0;/);
  assert.match(speed, /speed = Math\.sqrt\(uu\)/);
  assert.doesNotMatch(speed, /ru \+=/);
  const speedBack = termOf({ ...SMALL, inputs: ["d", "speed"] }).source.backward;
  assert.match(speedBack, /gVel\[j \* 3 \+ 0\] \+= aU0 \+ aVJ0; gVel\[ai \+ 0\] \+= aVI0 - aU0;/);
  // So does a velocity output.
  const along = termOf({ ...SMALL, outputs: ["rhat", "vj"] }).source.backward;
  assert.match(along, /gVel\[j \* 3 \+ 2\] \+= aU2 \+ aVJ2;/);
});

test("PairTerm refuses names outside the vocabulary, before writing any source", () => {
  assert.throws(
    () => termOf({ ...SMALL, inputs: ["d", "speed); hacked = 1; (" as never] }),
    /unknown pair input/,
  );
  assert.throws(() => termOf({ ...SMALL, outputs: ["sideways" as never] }), /unknown pair output/);
  // An axis the network does not have, or one whose number is not a whole number.
  assert.throws(() => termOf({ ...SMALL, inputs: ["d", "axis2"] }), /names no axis of the 0/);
  const oneAxis = { ...SMALL, axes: 1, outputs: ["axis0.5" as never] };
  assert.throws(() => termOf(oneAxis, { ...layout, axes: 3 }), /names no axis of the 1/);
});

test("PairTerm copies a mirror's MLP record only when no input changes as i and j swap", () => {
  // SMALL's inputs, d and qᵢqⱼ, are the same for (i, j) and (j, i).
  const { mirrored } = termOf(SMALL).source;
  assert.match(mirrored, /const M = at \+ 24 \+ MIRROR\[k\] \* 6;/);
  assert.match(mirrored, /rec\[act \+ 5\] = rec\[M \+ 5\];/);
  assert.doesNotMatch(mirrored, /mlpForward|= d;/);
  // Its own direction r̂ (the mirror's, negated) and its own factor.
  assert.match(mirrored, /const e00 = r0 \* invD/);
  assert.match(mirrored, /fac\[F \+ 0\]/);
  // qᵢ is qⱼ of the mirror: no pair copies another's record.
  assert.equal(termOf({ ...SMALL, inputs: ["d", "qi"] }).source.mirrored, "");
  assert.equal(termOf({ ...SMALL, inputs: ["d", "radial_vi"] }).source.mirrored, "");
  assert.equal(
    termOf({ ...SMALL, inputs: ["inv_d", "axis0"], axes: 1 }, { ...layout, axes: 3 }).source
      .mirrored,
    "",
  );
  assert.ok(mirroredPairs(["d", "inv_d", "radial_speed", "speed", "qiqj", "vi_vj"]));
  assert.ok(!mirroredPairs(["d", "qj"]));
});
