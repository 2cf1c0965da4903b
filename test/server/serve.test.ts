import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { hasLocalDefaultModel } from "../../src/embeddings/embedding-model-choice";
import { PROJECT_ROOT, RATINGS_DIR } from "../../src/io/project-paths";
import { serveConfig } from "../../src/server/serve-config";
import { smallRatingData, startServer } from "./server-process";

test("serveConfig: the challenge's defaults, overridable, bad values named", () => {
  const d = serveConfig({});
  assert.equal(d.host, "127.0.0.1");
  assert.equal(d.port, 9876);
  assert.equal(d.moviesCsv, join(RATINGS_DIR, "df_movies.csv"));
  assert.equal(d.bodyLimit, 1024 * 1024 * 1024);
  assert.equal(d.maxTrainRows, 20_000_000);
  assert.equal(serveConfig({ MAX_TRAIN_ROWS: "5000" }).maxTrainRows, 5000);
  const c = serveConfig({
    HOST: "0.0.0.0",
    PORT: "8000",
    MAX_UPLOAD_MB: "1",
    MODEL_DIR: "elsewhere/models",
  });
  assert.deepEqual(
    [c.host, c.port, c.bodyLimit, c.modelDir],
    ["0.0.0.0", 8000, 1048576, "elsewhere/models"],
  );
  assert.deepEqual(d.allowedHosts, ["127.0.0.1", "localhost", "::1"]);
  assert.deepEqual(serveConfig({ ALLOWED_HOSTS: "Box.lan, " }).allowedHosts, [
    "127.0.0.1",
    "localhost",
    "::1",
    "box.lan",
  ]);
  assert.equal(serveConfig({ HOST: "0.0.0.0" }).allowedHosts, "any");
  assert.throws(
    () => serveConfig({ PORT: "http" }),
    /PORT must be an integer in \[0, 65535\], got http/,
  );
  assert.throws(
    () => serveConfig({ MAX_UPLOAD_MB: "-3" }),
    /MAX_UPLOAD_MB must be a positive number/,
  );
  assert.throws(
    () => serveConfig({ MAX_TRAIN_ROWS: "1e3.5" }),
    /MAX_TRAIN_ROWS must be a positive integer, got 1e3.5/,
  );
});

const serveTs = join(PROJECT_ROOT, "src", "server", "serve.ts");
const withoutModelChoice = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.EMBEDDING_MODEL;
  return env;
};

test(
  "without distilbert-base-uncased and without EMBEDDING_MODEL=test the server refuses to start",
  { skip: hasLocalDefaultModel() && "a local copy of distilbert-base-uncased exists here" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-"));
    const run = spawnSync(process.execPath, ["--import", "tsx", serveTs], {
      encoding: "utf8",
      env: { ...withoutModelChoice(), PORT: "0", MODEL_DIR: join(dir, "model") },
      timeout: 120_000,
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /could not load the embedding model "Xenova\/distilbert-base-uncased"/,
    );
    assert.match(run.stderr, /to provide it: copy the model folder/);
    assert.match(run.stderr, /EMBEDDING_MODEL=test runs a random-weight test model/);
    assert.doesNotMatch(run.stdout, /listening/);
  },
);

test("with EMBEDDING_MODEL=test the server says so in /health and in every train answer", async () => {
  // A small movie table keeps the embedding quick; the ratings of those movies.
  const { moviesPath, trainCsv } = smallRatingData();
  const dir = mkdtempSync(join(tmpdir(), "serve-"));
  const server = await startServer({ MOVIES_CSV: moviesPath, MODEL_DIR: join(dir, "model") });
  try {
    assert.match(server.log(), /random-weight TEST model/);
    const health = (await (await fetch(`${server.base}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.testEmbeddingModel, true);
    assert.match(String(health.warning), /random-weight TEST model .* carry no meaning/);
    const trained = await fetch(`${server.base}/ratings/train`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: trainCsv,
    });
    const summary = (await trained.json()) as { testEmbeddingModel: boolean; warnings: string[] };
    assert.equal(trained.status, 200, JSON.stringify(summary));
    assert.equal(summary.testEmbeddingModel, true);
    assert.ok(summary.warnings.some((w) => /random-weight TEST model/.test(w)));
    // The model is named without the server's absolute paths.
    for (const answer of [JSON.stringify(health), JSON.stringify(summary)])
      assert.doesNotMatch(answer, new RegExp(PROJECT_ROOT.replace(/[/.]/g, "\\$&")));
    assert.match(String(health.embeddingModel), /^\.cache\//);
  } finally {
    await server.stop();
  }
});
