import assert from "node:assert/strict";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { cachedResult, RESULT_CACHE_DIR, resultKey } from "../../src/io/cached-result";

// Unique labels per run, so that the test never reads an entry an earlier run left behind.
const run = `${process.pid}-${Date.now()}`;
const silent = (): void => undefined;
mkdirSync(RESULT_CACHE_DIR, { recursive: true });

test("a result is computed once, then read back for the same key as it was: typed arrays, NaN, Infinity, Maps", async () => {
  const key = {
    label: `test ${run} a`,
    settings: { epochs: 3 },
    inputs: [new Float32Array([1, 2])],
  };
  let calls = 0;
  const compute = async () => {
    calls++;
    return {
      score: Infinity,
      missing: NaN,
      curve: new Float32Array([0.5, 0.25]),
      exact: new Float64Array([0.1, 1 / 3]),
      ids: new Int32Array([-1, 2 ** 31 - 1]),
      byUser: new Map([[7, [1, 2]]]),
      n: 7,
    };
  };
  const first = await cachedResult(key, compute, silent);
  const lines: string[] = [];
  const second = await cachedResult(key, compute, (l) => lines.push(l));
  assert.equal(calls, 1);
  assert.equal(first.reused, false);
  assert.equal(second.reused, true);
  assert.deepEqual(second.value, first.value);
  assert.ok(second.value.curve instanceof Float32Array);
  assert.ok(second.value.exact instanceof Float64Array);
  assert.ok(second.value.ids instanceof Int32Array);
  assert.ok(second.value.byUser instanceof Map);
  assert.deepEqual(second.value.byUser.get(7), [1, 2]);
  assert.ok(Number.isNaN(second.value.missing));
  assert.equal(second.computedAt, first.computedAt);
  assert.match(lines[0], new RegExp(`test ${run} a: reused the cached result computed`));
  rmSync(join(RESULT_CACHE_DIR, `${resultKey(key)}.v8`));
});

test("other settings, other input values or another label give another key", () => {
  const base = { label: "l", settings: { a: 1 }, inputs: [new Float32Array([1, 2, 3])] };
  const keys = new Set([
    resultKey(base),
    resultKey({ ...base, settings: { a: 2 } }),
    resultKey({ ...base, inputs: [new Float32Array([1, 2, 4])] }),
    resultKey({ ...base, inputs: [new Float32Array([1, 2]), new Float32Array([3])] }),
    resultKey({ ...base, label: "m" }),
  ]);
  assert.equal(keys.size, 5);
  assert.equal(resultKey(base), resultKey({ ...base, inputs: [new Float32Array([1, 2, 3])] }));
});

test("a damaged entry is recomputed and replaced, not trusted", async () => {
  const key = { label: `test ${run} b`, settings: {}, inputs: [] };
  const file = join(RESULT_CACHE_DIR, `${resultKey(key)}.v8`);
  writeFileSync(file, '{"value": 4, "seconds": 1, "computedA');
  const r = await cachedResult(key, async () => 42, silent);
  assert.deepEqual([r.value, r.reused], [42, false]);
  assert.equal((await cachedResult(key, async () => 0, silent)).value, 42);
  rmSync(file);
});

test("RESULT_CACHE=off always computes and stores nothing", async () => {
  const key = { label: `test ${run} c`, settings: {}, inputs: [] };
  process.env.RESULT_CACHE = "off";
  try {
    let calls = 0;
    await cachedResult(key, async () => ++calls, silent);
    await cachedResult(key, async () => ++calls, silent);
    assert.equal(calls, 2);
    assert.ok(!readdirSync(RESULT_CACHE_DIR).includes(`${resultKey(key)}.v8`));
  } finally {
    delete process.env.RESULT_CACHE;
  }
});
