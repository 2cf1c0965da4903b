import assert from "node:assert/strict";
import { test } from "node:test";

import { EmbeddingModelError, OverviewEmbedder } from "../../src/embeddings/overview-embedder";
import { ensureTinyModel } from "../../src/embeddings/test-model/test-model";

const model = ensureTinyModel();
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test("the real pipeline embeds texts into rows of the model's width, in input order", async () => {
  const embedder = await OverviewEmbedder.load({ model });
  assert.equal(embedder.dim, 32);
  const texts = [
    "A much longer overview about a family that moves to a haunted house in the country.",
    "Short one.",
  ];
  const both = await embedder.embed(texts, { batchSize: 2 });
  assert.equal(both.length, 2 * 32);
  const second = await embedder.embed([texts[1]]);
  assert.ok(maxDiff(both.subarray(32), second) < 1e-5, "rows must come back in input order");
  assert.ok(both.every(Number.isFinite));
});

test("mean pooling respects padding: a text alone equals the same text in a padded batch", async () => {
  const embedder = await OverviewEmbedder.load({ model });
  const short = "A boy finds a dragon.";
  const long =
    "Two friends cross a desert to meet an old king, who tells them a story about the sea and its storms.";
  const alone = await embedder.embed([short], { batchSize: 1 });
  const padded = await embedder.embed([long, short], { batchSize: 2 });
  assert.ok(
    maxDiff(alone, padded.subarray(32, 64)) < 1e-5,
    `difference ${maxDiff(alone, padded.subarray(32, 64))}`,
  );
});

test("texts longer than 512 tokens are truncated, not rejected", async () => {
  const embedder = await OverviewEmbedder.load({ model });
  const v = await embedder.embed(["word ".repeat(2000)]);
  assert.equal(v.length, 32);
  assert.ok(v.every(Number.isFinite));
});

test("quantized weights load and give close, not identical, embeddings", async () => {
  const fp32 = await OverviewEmbedder.load({ model, dtype: "fp32" });
  const q8 = await OverviewEmbedder.load({ model, dtype: "q8" });
  const a = await fp32.embed(["A heist goes wrong."]);
  const b = await q8.embed(["A heist goes wrong."]);
  const d = maxDiff(a, b);
  assert.ok(d > 0 && d < 0.05, `fp32 vs q8 difference ${d}`);
});

test("a model that is not available fails loudly, naming it, where it looked and how to provide it", async () => {
  await assert.rejects(
    OverviewEmbedder.load({ model: "Xenova/distilbert-base-uncased", offline: true }),
    (e: Error) =>
      e instanceof EmbeddingModelError &&
      /"Xenova\/distilbert-base-uncased"/.test(e.message) &&
      /looked in: .*\.cache\/models\/Xenova\/distilbert-base-uncased/.test(e.message) &&
      /to provide it: .*EMBEDDING_MODEL=/.test(e.message),
  );
  await assert.rejects(
    OverviewEmbedder.load({ model: "/nonexistent/model-folder", offline: true }),
    EmbeddingModelError,
  );
});
