import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { RESULT_CACHE_DIR, resultKey, REUSED_MARK } from "../../../src/io/cached-result";
import { type Ratings, readMovies, readRatings } from "../../../src/ratings/data/rating-tables";
import { buildRatingContext } from "../../../src/ratings/features/rating-context";
import { cachedRatingModel, ratingModelKey } from "../../../src/ratings/model/cached-rating-model";
import { RatingModel } from "../../../src/ratings/model/rating-model";
import { initBackend } from "../../../src/runtime/tf-backend";

const all = readRatings();
const ctx = buildRatingContext(readMovies());
// The ratings of users 41 to 60, with a seed no other test uses: keys of their own.
const keep = Int32Array.from({ length: all.rating.length }, (_, i) => i).filter(
  (i) => all.userId[i] > 40 && all.userId[i] <= 60,
);
const sample: Ratings = {
  userId: keep.map((i) => all.userId[i]),
  movieId: keep.map((i) => all.movieId[i]),
  rating: Float32Array.from(keep, (i) => all.rating[i]),
};
const options = { epochs: 2, seed: 11 };
const queries = { userId: sample.userId.subarray(0, 50), movieId: sample.movieId.subarray(0, 50) };

/** The result-cache file of a training of the sample. */
const entryOf = (opts: typeof options) =>
  join(RESULT_CACHE_DIR, `${resultKey(ratingModelKey(sample, ctx, opts))}.v8`);

/** Removes the cache entry of a training of the sample, so that a test starts without it. */
function forget(opts: typeof options): void {
  rmSync(entryOf(opts), { force: true });
}

test("the second training of the same ratings loads the first's model: same predictions, run and time", async () => {
  await initBackend();
  forget(options);
  forget({ ...options, seed: 12 });
  const logs: string[] = [];
  const first = await cachedRatingModel(sample, ctx, options, (l) => logs.push(l));
  const second = await cachedRatingModel(sample, ctx, options, (l) => logs.push(l));
  assert.equal(first.reused, false);
  assert.equal(second.reused, true);
  assert.equal(logs.length, 1);
  assert.match(logs[0], new RegExp(REUSED_MARK));
  assert.deepEqual(second.model.run, first.model.run);
  assert.equal(second.seconds, first.seconds);
  assert.deepEqual(second.model.history, first.model.history);
  const p = first.model.predict(queries.userId, queries.movieId);
  assert.deepEqual(second.model.predict(queries.userId, queries.movieId), p);
  // It is the model RatingModel.train makes, not another.
  const direct = await RatingModel.train(sample, ctx, options);
  assert.deepEqual(direct.predict(queries.userId, queries.movieId), p);
  // Other options: another entry, trained.
  const other = await cachedRatingModel(sample, ctx, { ...options, seed: 12 }, () => {});
  assert.equal(other.reused, false);
  assert.notDeepEqual(other.model.predict(queries.userId, queries.movieId), p);
  forget(options);
  forget({ ...options, seed: 12 });
});

test("a damaged cached model is trained again, never trusted; RESULT_CACHE=off stores nothing", async () => {
  await initBackend();
  const opts = { ...options, seed: 13 };
  forget(opts);
  const first = await cachedRatingModel(sample, ctx, opts, () => {});
  const entry = entryOf(opts);
  assert.ok(existsSync(entry));
  // Cut short, as a crash in the middle of a copy or a full disk would leave it.
  const bytes = readFileSync(entry);
  writeFileSync(entry, bytes.subarray(0, bytes.length >> 1));
  const again = await cachedRatingModel(sample, ctx, opts, () => {});
  assert.equal(again.reused, false);
  const p = again.model.predict(queries.userId, queries.movieId);
  assert.deepEqual(p, first.model.predict(queries.userId, queries.movieId));
  // With the cache off it trains, and leaves nothing behind.
  const offOpts = { ...options, seed: 14 };
  forget(offOpts);
  const previous = process.env.RESULT_CACHE;
  process.env.RESULT_CACHE = "off";
  try {
    const off = await cachedRatingModel(sample, ctx, offOpts, () => {});
    assert.equal(off.reused, false);
  } finally {
    if (previous === undefined) delete process.env.RESULT_CACHE;
    else process.env.RESULT_CACHE = previous;
  }
  assert.ok(!existsSync(entryOf(offOpts)));
  forget(opts);
});
