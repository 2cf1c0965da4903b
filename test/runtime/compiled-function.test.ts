import assert from "node:assert/strict";
import { test } from "node:test";

import { compiledFunction } from "../../src/runtime/compiled-function";

test("compiledFunction: closures of one source keep their own bound values", () => {
  const body = "scratch[0] += x; return k * x;";
  const a = { k: 3, scratch: new Float64Array(1) };
  const b = { k: 5, scratch: new Float64Array(1) };
  const timesA = compiledFunction<(x: number) => number>("times", a, ["x"], body);
  const timesB = compiledFunction<(x: number) => number>("times", b, ["x"], body);
  assert.equal(timesA(2), 6);
  assert.equal(timesB(2), 10);
  timesA(1);
  assert.deepEqual([a.scratch[0], b.scratch[0]], [3, 2]);
  assert.equal(compiledFunction<(x: number) => number>("times", a, ["x"], "return x - k;")(2), -1);
});

test("compiledFunction: the function has its name, and a name that is not one is refused", () => {
  const f = compiledFunction<(x: number) => number>("pairForward", {}, ["x"], "return x;");
  assert.equal(f.name, "pairForward");
  for (const bad of ["", "a b", "f(){}; g", "1x", "x-y"])
    assert.throws(
      () => compiledFunction(bad, {}, ["x"], "return x;"),
      /is not a name/,
      JSON.stringify(bad),
    );
});
