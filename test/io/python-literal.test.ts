import assert from "node:assert/strict";
import { test } from "node:test";

import { literalNames, parsePythonLiteral } from "../../src/io/python-literal";

test("parsePythonLiteral reads TMDB's list and dict columns", () => {
  assert.deepEqual(
    parsePythonLiteral("[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': \"Kid's\"}]"),
    [
      { id: 16, name: "Animation" },
      { id: 35, name: "Kid's" },
    ],
  );
  assert.deepEqual(
    parsePythonLiteral("{'a': (1, 2.5e3, -3), 'b': None, 'c': True, 'd': 'x\\'y\\xe9'}"),
    {
      a: [1, 2500, -3],
      b: null,
      c: true,
      d: "x'y\u00e9",
    },
  );
});

test("literalNames takes names, treats empty as unknown, and rejects garbage", () => {
  assert.deepEqual(literalNames("[{'iso_639_1': 'en', 'name': 'English'}]"), ["English"]);
  assert.deepEqual(literalNames("{'id': 10194, 'name': 'Toy Story Collection'}"), [
    "Toy Story Collection",
  ]);
  assert.deepEqual(literalNames(""), []);
  assert.throws(() => literalNames("[{'id': 1,"), /bad Python literal/);
  assert.throws(() => parsePythonLiteral("[1] x"), /trailing characters/);
});
