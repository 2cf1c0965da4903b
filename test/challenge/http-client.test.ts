import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";

import { probeHealth, waitForHealth } from "../../src/challenge/http-client";
import { freePort } from "../../src/server/free-port";

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
  const sockets: Socket[] = [];
  const mute = createServer((s) => sockets.push(s));
  const port = await freePort();
  await new Promise<void>((done) => mute.listen(port, "127.0.0.1", done));
  try {
    const started = Date.now();
    assert.equal(await probeHealth(`http://127.0.0.1:${port}`), "silent");
    assert.ok(Date.now() - started < 10_000);
  } finally {
    sockets.forEach((s) => s.destroy());
    await new Promise((done) => mute.close(done));
  }
  assert.equal(await probeHealth(`http://127.0.0.1:${port}`), "refused");
});
