import assert from "node:assert/strict";
import { test } from "node:test";

import { SeededRandom } from "../../src/random/seeded";

test("the same seed gives the same stream, another seed another", () => {
  const a = Array.from(
    { length: 5 },
    (
      (r) => () =>
        r.next()
    )(new SeededRandom(7)),
  );
  const b = Array.from(
    { length: 5 },
    (
      (r) => () =>
        r.next()
    )(new SeededRandom(7)),
  );
  const c = Array.from(
    { length: 5 },
    (
      (r) => () =>
        r.next()
    )(new SeededRandom(8)),
  );
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.every((x) => x >= 0 && x < 1));
});

test("sample draws distinct items and shuffle keeps them all", () => {
  const rng = new SeededRandom(3);
  const s = rng.sample([1, 2, 3, 4, 5, 6], 4);
  assert.equal(new Set(s).size, 4);
  assert.deepEqual(rng.shuffle([1, 2, 3, 4]).sort(), [1, 2, 3, 4]);
});
