import assert from "node:assert/strict";
import { test } from "node:test";

import { SeededRandom } from "../../../src/random/seeded";
import { readMovies, readRatings } from "../../../src/ratings/data/rating-tables";
import { crossValidate } from "../../../src/ratings/evaluation/cross-validation";
import { HybridFoldPool } from "../../../src/ratings/evaluation/hybrid-fold-pool";
import { RATING_METHODS, ratingMethods } from "../../../src/ratings/evaluation/rating-methods";
import { buildRatingContext } from "../../../src/ratings/features/rating-context";
import { initBackend } from "../../../src/runtime/tf-backend";

const all = readRatings();
const n = 4000;
const ratings = {
  userId: all.userId.slice(0, n),
  movieId: all.movieId.slice(0, n),
  rating: all.rating.slice(0, n),
};
const movies = readMovies();
const random = new SeededRandom(3);
// Vectors of a seeded generator stand in for overview embeddings: what is tested is that they
// reach the workers and are used there as here, not what they mean.
const dim = 16;
const embedding = {
  vectors: Float32Array.from({ length: movies.length * dim }, () => random.normal()),
  dim,
  model: "seeded vectors of this test",
};

test("folds trained in worker threads predict what they predict in this thread", async () => {
  await initBackend();
  const meta = buildRatingContext(movies);
  const full = buildRatingContext(movies, embedding);
  const options = { epochs: 2 };
  const here = await crossValidate(ratings, ratingMethods(ratings, meta, full, options), 2, 0);
  const pool = HybridFoldPool.start(ratings, [meta, full], 2);
  try {
    const methods = ratingMethods(ratings, meta, full, options, pool);
    const folds: string[] = [];
    const there = await crossValidate(ratings, methods, 2, 0, (m, f) => folds.push(`${m} ${f}`), {
      concurrent: true,
    });
    assert.equal(folds.length, 2 * here.length);
    for (const [i, r] of there.entries()) {
      assert.equal(r.method, here[i].method);
      assert.deepEqual(r.foldMse, here[i].foldMse, r.method);
      assert.deepEqual(r.predictions, here[i].predictions, r.method);
    }
    // The two hybrid models differ: each worker trained on the context it was asked for.
    const hybrid = (name: string) => there.find((r) => r.method === name)!.predictions;
    assert.notDeepEqual(
      hybrid(RATING_METHODS.hybridFull),
      hybrid(RATING_METHODS.hybridNoEmbedding),
    );
  } finally {
    await pool.close();
  }
});

test("a fold that fails in a worker rejects naming the problem", async () => {
  await initBackend();
  // A context that knows ten movies: the training ratings name others.
  const few = buildRatingContext(movies.slice(0, 10));
  const pool = HybridFoldPool.start(ratings, [few], 1);
  try {
    const predict = pool.predictor(0, { epochs: 1 });
    await assert.rejects(
      Promise.resolve(predict(Int32Array.of(0, 1, 2), Int32Array.of(3))),
      /hybrid model on a fold: .*movie/,
    );
  } finally {
    await pool.close();
  }
});
