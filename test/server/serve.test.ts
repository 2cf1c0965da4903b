import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { hasLocalDefaultModel } from "../../src/embeddings/embedding-model-choice";
import { PROJECT_ROOT, RATINGS_DIR } from "../../src/io/project-paths";
import { readRatings } from "../../src/ratings/data";
import { serveConfig } from "../../src/server/serve";

test("serveConfig: the challenge's defaults, overridable, bad values named", () => {
  const d = serveConfig({});
  assert.equal(d.host, "127.0.0.1");
  assert.equal(d.port, 9876);
  assert.equal(d.moviesCsv, join(RATINGS_DIR, "df_movies.csv"));
  assert.equal(d.bodyLimit, 32 * 1024 * 1024);
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
  const dir = mkdtempSync(join(tmpdir(), "serve-"));
  // A small movie table keeps the embedding quick; the ratings of the first users on those movies.
  const moviesCsv = readFileSync(join(RATINGS_DIR, "df_movies.csv"), "utf8").split("\n");
  const moviesPath = join(dir, "movies.csv");
  writeFileSync(moviesPath, moviesCsv.slice(0, 301).join("\n") + "\n");
  const ids = new Set(moviesCsv.slice(1, 301).map((line) => Number(line.split(",")[0])));
  const all = readRatings();
  const rows = Array.from(all.userId.keys()).filter((i) => ids.has(all.movieId[i]));
  const trainCsv =
    "userId,rating,movieId\n" +
    rows.map((i) => `${all.userId[i]},${all.rating[i]},${all.movieId[i]}`).join("\n");
  const server = spawn(process.execPath, ["--import", "tsx", serveTs], {
    env: {
      ...withoutModelChoice(),
      EMBEDDING_MODEL: "test",
      PORT: "0",
      MOVIES_CSV: moviesPath,
      MODEL_DIR: join(dir, "model"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    let log = "";
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]);
      });
      server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${log}`)));
    });
    assert.match(log, /random-weight TEST model/);
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.testEmbeddingModel, true);
    assert.match(String(health.warning), /random-weight TEST model .* carry no meaning/);
    const trained = await fetch(`${base}/ratings/train`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: trainCsv,
    });
    const summary = (await trained.json()) as { testEmbeddingModel: boolean; warnings: string[] };
    assert.equal(trained.status, 200, JSON.stringify(summary));
    assert.equal(summary.testEmbeddingModel, true);
    assert.ok(summary.warnings.some((w) => /random-weight TEST model/.test(w)));
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
});
