import assert from "node:assert/strict";
import { test } from "node:test";

import { readMovies } from "../../../src/ratings/data/rating-tables";
import { toSubmission } from "../../../src/ratings/data/submission";
import {
  buildMovieFeatures,
  fitMovieFeatureSpec,
} from "../../../src/ratings/features/movie-features";

const movies = readMovies();
const spec = fitMovieFeatureSpec(movies);

test("content features: genre flags, missing flags, standardised numbers", () => {
  const f = buildMovieFeatures(movies, spec);
  const width = f.names.length;
  assert.equal(f.values.length, movies.length * width);
  assert.equal(f.names.at(-1), "inCollection");
  const row = f.values.subarray(f.rowOf.get(1)! * width, (f.rowOf.get(1)! + 1) * width);
  const col = (name: string): number => row[f.names.indexOf(name)];
  assert.equal(col("genre:Animation"), 1);
  assert.equal(col("genre:Horror"), 0);
  assert.equal(col("lang:en"), 1);
  assert.equal(col("inCollection"), 1);
  assert.equal(col("voteAverage:missing"), 0);
  assert.ok(col("voteAverage") > 1, "Toy Story's 7.7 is well above the mean vote");
  const years = Array.from(
    { length: movies.length },
    (_, i) => f.values[i * width + f.names.indexOf("year")],
  );
  const mean = years.reduce((s, v) => s + v, 0) / years.length;
  assert.ok(Math.abs(mean) < 0.05, `standardised year mean ${mean}`);
  assert.ok(f.values.every(Number.isFinite));
});

test("toSubmission keys predictions by row position", () => {
  assert.deepEqual(toSubmission(Float32Array.of(3.5, 4.25)), { "0": 3.5, "1": 4.25 });
});
