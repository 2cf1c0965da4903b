import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { ModelFilesError, readModelFolder, writeModelFolder } from "../../../src/io/model-folder";
import { type Ratings, readMovies, readRatings } from "../../../src/ratings/data/rating-tables";
import { buildRatingContext } from "../../../src/ratings/features/rating-context";
import { RatingModel } from "../../../src/ratings/model/rating-model";
import { initBackend } from "../../../src/runtime/tf-backend";

const all = readRatings();
const movies = readMovies();
const ctx = buildRatingContext(movies);
// A context with an 8-dimensional stand-in embedding, so that save/load covers the text features.
const textCtx = buildRatingContext(movies, {
  vectors: Float32Array.from({ length: movies.length * 8 }, (_, k) => Math.sin(k * 0.37)),
  dim: 8,
  model: "stand-in",
});
// A small sample: the first 40 users' ratings.
const keep = Int32Array.from({ length: all.rating.length }, (_, i) => i).filter(
  (i) => all.userId[i] <= 40,
);
const sample: Ratings = {
  userId: keep.map((i) => all.userId[i]),
  movieId: keep.map((i) => all.movieId[i]),
  rating: Float32Array.from(keep, (i) => all.rating[i]),
};
const options = { epochs: 3, seed: 3 };
const queries = {
  userId: Int32Array.from([1, 2, 3, 999999]),
  movieId: Int32Array.from([1, 2, 3, 1]),
};

test("training on a small sample is deterministic and predicts within [1, 5], cold users included", async () => {
  await initBackend();
  const a = await RatingModel.train(sample, ctx, options);
  const b = await RatingModel.train(sample, ctx, options);
  const pa = a.predict(queries.userId, queries.movieId);
  assert.deepEqual(Array.from(pa), Array.from(b.predict(queries.userId, queries.movieId)));
  assert.ok(pa.every((v) => v >= 1 && v <= 5));
  const c = await RatingModel.train(sample, ctx, { ...options, seed: 4 });
  assert.notDeepEqual(Array.from(c.predict(queries.userId, queries.movieId)), Array.from(pa));
});

test("save then load gives identical predictions, text features included", async () => {
  await initBackend();
  const model = await RatingModel.train(sample, textCtx, options);
  const dir = join(mkdtempSync(join(tmpdir(), "rating-")), "model");
  await model.save(dir);
  const loaded = await RatingModel.load(dir, textCtx);
  assert.deepEqual(
    Array.from(loaded.predict(queries.userId, queries.movieId)),
    Array.from(model.predict(queries.userId, queries.movieId)),
  );
  await assert.rejects(RatingModel.load(dir, ctx), /embedding model stand-in, context has null/);
  // A model saved in another format of the rating metadata is refused, naming both formats (the
  // folder rewritten with its checksums, so that only the format differs).
  const files = readModelFolder(dir, ["model.json", "weights.bin", "metadata.json"]);
  const metadata = JSON.parse(files["metadata.json"].toString("utf8")) as Record<string, unknown>;
  const other = {
    ...files,
    "metadata.json": Buffer.from(JSON.stringify({ ...metadata, format: 99 })),
  };
  writeModelFolder(dir, other);
  await assert.rejects(
    RatingModel.load(dir, textCtx),
    (e: Error) =>
      e instanceof ModelFilesError && /format 99, this version reads format 1/.test(e.message),
  );
});

test("movies added to df_movies after training leave the predictions for the old ones identical", async () => {
  await initBackend();
  const model = await RatingModel.train(sample, textCtx, options);
  const dir = join(mkdtempSync(join(tmpdir(), "rating-")), "model");
  await model.save(dir);
  // 40 new movies with other metadata (a new genre, later years, other languages) and embeddings:
  // refitting on this table would move every scale, vocabulary and principal component.
  const added = Array.from({ length: 40 }, (_, k) => ({
    ...movies[k],
    movieId: 9_000_000 + k,
    genres: ["Brand New Genre"],
    releaseYear: 2030 + k,
    budget: 1e9 * (k + 1),
    originalLanguage: "xx",
  }));
  const grown = [...movies, ...added];
  const textOf = textCtx.embedding!;
  const grownCtx = buildRatingContext(grown, {
    ...textOf,
    vectors: Float32Array.from({ length: grown.length * 8 }, (_, k) =>
      k < textOf.vectors.length ? textOf.vectors[k] : Math.cos(k),
    ),
  });
  assert.notDeepEqual(grownCtx.spec, textCtx.spec, "the grown table fits another spec");
  const loaded = await RatingModel.load(dir, grownCtx);
  const users = Int32Array.from({ length: 200 }, (_, i) => sample.userId[i * 7]);
  const old = Int32Array.from({ length: 200 }, (_, i) => movies[(i * 37) % movies.length].movieId);
  assert.deepEqual(Array.from(loaded.predict(users, old)), Array.from(model.predict(users, old)));
  // The new movies are predicted too, from the saved spec.
  const fresh = loaded.predict(Int32Array.of(1, 2), Int32Array.of(9_000_000, 9_000_039));
  assert.ok(fresh.every((v) => v >= 1 && v <= 5));
});

test("movies absent from df_movies are reported with a clear error", async () => {
  await initBackend();
  const bad: Ratings = {
    userId: Int32Array.from([1, 1]),
    movieId: Int32Array.from([1, 123456789]),
    rating: Float32Array.from([4, 3]),
  };
  await assert.rejects(
    RatingModel.train(bad, ctx, options),
    /row 2, column movieId: movie 123456789 is not in df_movies/,
  );
  const model = await RatingModel.train(sample, ctx, options);
  assert.throws(
    () => model.predict(Int32Array.from([1]), Int32Array.from([123456789])),
    /movie 123456789 is not in df_movies/,
  );
});
