import assert from "node:assert/strict";
import { test } from "node:test";

import { compiledFunction } from "../../src/runtime/compiled-function";

test("compiledFunction: closures of one source keep their own bound values", () => {
  const body = "scratch[0] += x; return k * x;";
  const a = { k: 3, scratch: new Float64Array(1) };
  const b = { k: 5, scratch: new Float64Array(1) };
  const timesA = compiledFunction<(x: number) => number>(a, ["x"], body);
  const timesB = compiledFunction<(x: number) => number>(b, ["x"], body);
  assert.equal(timesA(2), 6);
  assert.equal(timesB(2), 10);
  timesA(1);
  assert.deepEqual([a.scratch[0], b.scratch[0]], [3, 2]);
  assert.equal(compiledFunction<(x: number) => number>(a, ["x"], "return x - k;")(2), -1);
});
