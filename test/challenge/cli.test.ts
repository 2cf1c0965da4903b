import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { probeHealth } from "../../src/challenge/http-client";
import { readRatings } from "../../src/ratings/data/rating-tables";
import { freePort } from "../../src/server/free-port";
import { withMuteListener } from "../fixtures/mute-listener";

const dir = mkdtempSync(join(tmpdir(), "challenge-"));
const all = readRatings();
const rows = Array.from(all.userId.keys()).filter((i) => all.userId[i] <= 25);
const fit = rows.filter((i) => all.movieId[i] % 5 !== 0);
const held = rows.filter((i) => all.movieId[i] % 5 === 0);
const write = (
  name: string,
  header: string,
  line: (i: number) => string,
  idx: number[],
): string => {
  const path = join(dir, name);
  writeFileSync(path, [header, ...idx.map(line)].join("\n") + "\n");
  return path;
};
const trainPath = write(
  "train.csv",
  "userId,rating,movieId",
  (i) => `${all.userId[i]},${all.rating[i]},${all.movieId[i]}`,
  fit,
);
const testPath = write(
  "test.csv",
  "userId,movieId",
  (i) => `${all.userId[i]},${all.movieId[i]}`,
  held,
);
const labelsPath = write(
  "labels.csv",
  "userId,movieId,rating",
  (i) => `${all.userId[i]},${all.movieId[i]},${all.rating[i]}`,
  held,
);

test("npm run challenge: serves, trains, predicts, writes the submission, stops the server, scores", async () => {
  const port = await freePort();
  const out = join(dir, "submission.json");
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/challenge/cli.ts",
      "--train",
      trainPath,
      "--test",
      testPath,
      "--labels",
      labelsPath,
      "--out",
      out,
      "--port",
      String(port),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, MODEL_DIR: join(dir, "model"), EMBEDDING_MODEL: "test" },
      timeout: 600_000,
    },
  );
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.match(
    run.stdout,
    /WARNING: the server embeds overviews with the random-weight TEST model/,
  );
  const submission = JSON.parse(readFileSync(out, "utf8")) as Record<string, number>;
  assert.equal(Object.keys(submission).length, held.length);
  assert.match(run.stdout, /server stopped/);
  assert.match(run.stdout, /code-quality score \(geometric mean\)\s+score 0\.\d{3}/);
  const mse = Number(/MSE (\d+\.\d+)/.exec(run.stdout)![1]);
  assert.ok(mse > 0.3 && mse < 2, `MSE ${mse}`);
  assert.match(run.stdout, /total score .*: 0\.\d{3}/);
  // The server is gone: nothing answers on its port.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
  // A step that fails still stops the server, and the run fails with the server's message.
  const bad = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/challenge/cli.ts",
      "--train",
      testPath,
      "--test",
      testPath,
      "--out",
      join(dir, "never.json"),
      "--port",
      String(port),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, MODEL_DIR: join(dir, "model"), EMBEDDING_MODEL: "test" },
      timeout: 600_000,
    },
  );
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /HTTP 400.*missing column rating/);
  assert.match(bad.stdout, /server stopped/);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});

/** Starts the challenge on `port` with the small data; resolves once it has posted the training. */
function startChallenge(port: number): { run: ChildProcess; posting: Promise<void> } {
  const run = spawn(
    process.execPath,
    ["--import", "tsx", "src/challenge/cli.ts", "--train", trainPath, "--test", testPath].concat([
      "--out",
      join(dir, "interrupted.json"),
      "--port",
      String(port),
    ]),
    {
      env: { ...process.env, MODEL_DIR: join(dir, `model-${port}`), EMBEDDING_MODEL: "test" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const posting = new Promise<void>((done, fail) => {
    let said = "";
    run.stdout!.on("data", (b: Buffer) => {
      said += b.toString();
      if (said.includes("POST /ratings/train")) done();
    });
    run.on("exit", (code) => fail(new Error(`the challenge exited (${code}) before training`)));
  });
  return { run, posting };
}

/** Waits until nothing listens on `port` any more, for at most `ms`. */
async function portFreed(port: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if ((await probeHealth(`http://127.0.0.1:${port}`)) === "refused") return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test("a SIGTERM or a SIGKILL to the challenge stops its server too", async () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    const port = await freePort();
    const { run, posting } = startChallenge(port);
    await posting;
    assert.equal(await probeHealth(`http://127.0.0.1:${port}`), "ok");
    const exited = new Promise((done) => run.on("exit", done));
    run.kill(signal);
    await exited;
    assert.ok(await portFreed(port, 20_000), `${signal}: the server still listens on ${port}`);
  }
});

test("a port whose listener never answers is refused within seconds, naming it", () =>
  withMuteListener(async (port) => {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/challenge/cli.ts", "--port", String(port)],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`something already listens on http://127.0.0.1:${port}`));
    assert.ok(Date.now() - started < 30_000);
  }));
