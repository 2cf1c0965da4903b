import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";

import { probeHealth, waitForHealth } from "../../src/challenge/http-client";
import { freePort } from "../../src/server/free-port";
import { withMuteListener } from "../fixtures/mute-listener";

test("a server killed by a signal while starting fails the wait at once, naming the signal", async () => {
  const server = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  await new Promise((done) => server.once("spawn", done));
  server.kill("SIGKILL");
  const started = Date.now();
  const port = await freePort();
  await assert.rejects(
    waitForHealth(`http://127.0.0.1:${port}`, server, 60_000),
    /the server was killed by SIGKILL before it was ready/,
  );
  assert.ok(Date.now() - started < 5000);
});

test("a listener that accepts and never answers is 'silent' within the probe's timeout", async () => {
  let port = 0;
  await withMuteListener(async (p) => {
    port = p;
    const started = Date.now();
    assert.equal(await probeHealth(`http://127.0.0.1:${port}`), "silent");
    assert.ok(Date.now() - started < 10_000);
  });
  assert.equal(await probeHealth(`http://127.0.0.1:${port}`), "refused");
});
