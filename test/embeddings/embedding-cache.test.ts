import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { embedWithCache } from "../../src/embeddings/embedding-cache";
import { OverviewEmbedder } from "../../src/embeddings/overview-embedder";
import { ensureTinyModel } from "../../src/embeddings/test-model/test-model";
import { readMovies } from "../../src/ratings/data/rating-tables";

test("embedding all 8,150 overviews twice: the second run does no model work", async () => {
  const root = mkdtempSync(join(tmpdir(), "emb-"));
  const embedder = await OverviewEmbedder.load({ model: ensureTinyModel() });
  const overviews = readMovies().map((m) => m.overview);
  const first = await embedWithCache(overviews, embedder, { root, batchSize: 32, quiet: true });
  assert.equal(first.hits, 0);
  assert.equal(first.computed, new Set(overviews).size);
  const worked = embedder.textsEmbedded;
  const second = await embedWithCache(overviews, embedder, { root, quiet: true });
  assert.equal(second.computed, 0);
  assert.equal(second.hits, overviews.length);
  assert.equal(embedder.textsEmbedded, worked, "the model must not run on a cache hit");
  assert.deepEqual(second.vectors, first.vectors);
});

test("an edited text recomputes only its own row; a new process reads the cache from disk", async () => {
  const root = mkdtempSync(join(tmpdir(), "emb-"));
  const embedder = await OverviewEmbedder.load({ model: ensureTinyModel() });
  const texts = ["A spy in Berlin.", "A cook in Paris.", "A pilot over the Andes."];
  const first = await embedWithCache(texts, embedder, { root, quiet: true });
  const edited = [texts[0], "A cook in Lyon.", texts[2]];
  const second = await embedWithCache(edited, embedder, { root, quiet: true });
  assert.equal(second.computed, 1);
  assert.equal(second.hits, 2);
  assert.deepEqual(second.vectors.subarray(0, 32), first.vectors.subarray(0, 32));
  assert.notDeepEqual(second.vectors.subarray(32, 64), first.vectors.subarray(32, 64));
  const fresh = await embedWithCache(texts, embedder, { root, quiet: true });
  assert.equal(fresh.computed, 0, "both versions of the edited text stay cached");
});
