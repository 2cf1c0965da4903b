import assert from "node:assert/strict";
import { test } from "node:test";

import { toDataFrame } from "../../../src/ratings/data/data-frame";
import { readMovies, readRatings } from "../../../src/ratings/data/rating-tables";

test("toDataFrame: ratings as columns, movies with their list columns joined", () => {
  assert.deepEqual(toDataFrame(readRatings()).shape, [83574, 3]);
  const movies = toDataFrame(readMovies().slice(0, 3));
  assert.equal(movies.shape[0], 3);
  assert.equal(movies.column("genres").values[0], "Animation|Comedy|Family");
});
