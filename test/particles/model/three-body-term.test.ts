import assert from "node:assert/strict";
import { test } from "node:test";

import { KernelMlp } from "../../../src/particles/model/kernel-mlp";
import type { TripletInput } from "../../../src/particles/model/network-parts";
import { ThreeBodyTerm } from "../../../src/particles/model/three-body-term";

const triples = {
  count: 1,
  members: Int32Array.from([0, 1, 2]),
  sides: Int32Array.from([1, 2, 6]),
};
const termOf = (inputs: TripletInput[]): ThreeBodyTerm =>
  new ThreeBodyTerm(inputs, new KernelMlp([inputs.length, 2, 1], 0, 1), triples, 0);

test("ThreeBodyTerm writes only the inputs the network has", () => {
  const { forward, backward } = termOf(["djk", "qk"]).source;
  assert.match(forward, /const x0 = sideD\[jk\]; rec\[act \+ 0\] = x0;/);
  assert.match(forward, /const x1 = q\[k\]; rec\[act \+ 1\] = x1;/);
  assert.doesNotMatch(forward, /sideD\[ik\];|q\[i\];/);
  // The side dⱼₖ's adjoint gathers its input's; the property has none.
  assert.match(backward, /gJK \+= g\[G \+ 0\];/);
  assert.doesNotMatch(backward, /\+= g\[G \+ 1\]/);
  assert.doesNotMatch(backward, /mlpBackward/);
});

test("ThreeBodyTerm refuses an input outside the vocabulary, before writing any source", () => {
  assert.throws(() => termOf(["dij", "q[0]); hacked = 1; (" as never]), /unknown input/);
});
