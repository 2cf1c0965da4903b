import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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

test("two processes embedding different texts into one cache: every vector stays with its text", async () => {
  const root = mkdtempSync(join(tmpdir(), "emb-"));
  const embedder = await OverviewEmbedder.load({ model: ensureTinyModel() });
  const sets = [
    Array.from({ length: 40 }, (_, i) => `A story number ${i} about a lighthouse.`),
    Array.from({ length: 40 }, (_, i) => `Chapter ${i}: a heist in a small town.`),
  ];
  const startAt = String(Date.now() + 4000);
  const runs = sets.map(
    (texts) =>
      new Promise<number | null>((done) =>
        spawn(
          process.execPath,
          ["--import", "tsx", "test/fixtures/embed-texts.ts", root, startAt, ...texts],
          { stdio: ["ignore", "ignore", "inherit"] },
        ).on("exit", done),
      ),
  );
  assert.deepEqual(await Promise.all(runs), [0, 0]);
  const all = sets.flat();
  const cached = await embedWithCache(all, embedder, { root, quiet: true });
  const direct = await embedder.embed(all);
  for (let i = 0; i < all.length; i++)
    for (let d = 0; d < cached.dim; d++)
      assert.ok(
        Math.abs(cached.vectors[i * cached.dim + d] - direct[i * cached.dim + d]) < 1e-4,
        `text ${i}, dimension ${d}`,
      );
});
