import assert from "node:assert/strict";
import { test } from "node:test";

import { coldStartChecks } from "../../../src/ratings/data/cold-start";
import { readMovies, readQueries, readRatings } from "../../../src/ratings/data/rating-tables";

test("coldStartChecks counts what the challenge promises of the shipped split", () => {
  const checks = coldStartChecks(readRatings(), readQueries(), readMovies());
  assert.deepEqual(
    checks.map((c) => [c.check, c.count === 0 || c.count === c.of]),
    [
      ["test movies also in train", true],
      ["test users also in train", true],
      ["test movies with metadata", true],
    ],
  );
  assert.equal(checks[0].count, 0);
  assert.equal(checks[1].count, checks[1].of);
  const leaky = coldStartChecks(
    { userId: Int32Array.of(1), movieId: Int32Array.of(5), rating: Float32Array.of(4) },
    { userId: Int32Array.of(1, 2), movieId: Int32Array.of(5, 6) },
    [],
  );
  assert.deepEqual(
    leaky.map((c) => [c.count, c.of]),
    [
      [1, 2],
      [1, 2],
      [0, 2],
    ],
  );
});
