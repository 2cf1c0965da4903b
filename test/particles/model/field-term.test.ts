import assert from "node:assert/strict";
import { test } from "node:test";

import { type FieldLayout, FieldTerm } from "../../../src/particles/model/field-term";

const layout: FieldLayout = {
  positions: 0,
  velocities: 12,
  records: 24,
  eps: 1e-6,
  trap: -1,
  drag: 0,
  uniform: -1,
  radial: -1,
  gate: 1,
  gates: { p: -1, v: 0, c: -1, n: 1 },
};

test("FieldTerm writes only the parts the network has", () => {
  const { forward, backward } = new FieldTerm(layout).source;
  // The drag B v, and no trap, radial function or uniform term.
  assert.match(forward, /bv = 0 \+ B\[0\] \* v0 \+ B\[1\] \* v1 \+ B\[2\] \* v2/);
  assert.doesNotMatch(forward, /A\[|norm|C\[/);
  assert.match(backward, /gG\[0\] \+= gGv; gG\[1\] \+= gGv \* q;/);
  assert.doesNotMatch(backward, /gGp \* q|gW0/);
});

test("FieldTerm refuses indices that are not whole numbers, before writing any source", () => {
  assert.throws(() => new FieldTerm({ ...layout, drag: 0.5 }), /is not an index/);
  const gates = { ...layout.gates, v: "0]; hacked = 1; [" as unknown as number };
  assert.throws(() => new FieldTerm({ ...layout, gates }), /is not an index/);
});
