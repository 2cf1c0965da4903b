import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, test } from "node:test";

import { type ServerProcess, smallRatingData, startServer } from "./server-process";

// Real faults on a real server process: a tmpfs as MODEL_DIR's volume (filled up, remounted
// read-only), a second server process, raw sockets that trickle a body. Needs root for mount, as CI.
const { moviesPath, trainCsv } = smallRatingData();
const queryCsv = "userId,movieId\n1,31\n2,10\n";
// Each test gets a fresh 8 MiB tmpfs as MODEL_DIR's volume, so that one test's faults (a full or
// read-only disk) never reach the next.
let mount = "";
const mounts: string[] = [];
beforeEach(() => {
  mount = mkdtempSync(join(tmpdir(), "model-volume-"));
  const run = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount]);
  assert.equal(run.status, 0, `mount tmpfs: ${String(run.stderr)}`);
  mounts.push(mount);
});
after(() => {
  for (const m of mounts) spawnSync("umount", [m]);
});
const remount = (mode: "ro" | "rw"): void =>
  assert.equal(spawnSync("mount", ["-o", `remount,${mode}`, mount]).status, 0);
const freeBytes = (): number =>
  Number(spawnSync("df", ["--output=avail", "-B1", mount]).stdout.toString().split("\n")[1]);
const versions = (): string[] => readdirSync(mount).filter((f) => f.startsWith("ratings.v-"));
const env = (): Record<string, string> => ({
  MOVIES_CSV: moviesPath,
  MODEL_DIR: join(mount, "ratings"),
});
const postCsv = (s: ServerProcess, path: string, body: string) =>
  fetch(`${s.base}${path}`, { method: "POST", headers: { "content-type": "text/csv" }, body });
const answer = async (res: Response) => ({
  status: res.status,
  body: (await res.json()) as Record<string, string>,
});
/** No error body may carry an absolute path, and nothing may name MODEL_DIR's place. */
const assertNoPath = (text: string): void => {
  assert.doesNotMatch(text, new RegExp(mount), text);
  assert.doesNotMatch(text, /"message":"[^"]*\/(tmp|root|home|work)\//, text);
};

test("a full or read-only MODEL_DIR answers 503, keeps the model served, leaves no partial version", async () => {
  const server = await startServer(env());
  try {
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
    const before = await (await postCsv(server, "/ratings/predict", queryCsv)).text();
    assert.equal(versions().length, 1);
    // Fill the disk to less than a model's size free.
    const used = Number(
      spawnSync("du", ["-sb", join(mount, versions()[0])])
        .stdout.toString()
        .split("\t")[0],
    );
    writeFileSync(
      join(mount, "filler"),
      Buffer.alloc(Math.max(0, freeBytes() - Math.floor(used / 3))),
    );
    const full = await answer(await postCsv(server, "/ratings/train", trainCsv));
    assert.equal(full.status, 503, JSON.stringify(full.body));
    assert.equal(full.body.error, "model_not_saved");
    assert.match(full.body.message, /ENOSPC: the disk is full.*previous one is still served/);
    assertNoPath(JSON.stringify(full.body));
    assert.deepEqual(versions().length, 1, "no partial version folder is left");
    assert.equal(await (await postCsv(server, "/ratings/predict", queryCsv)).text(), before);
    const health = (await (await fetch(`${server.base}/health`)).json()) as Record<string, unknown>;
    assert.match(String(health.writeError), /ENOSPC/);
    assertNoPath(JSON.stringify(health));
    assert.doesNotMatch(String(health.writeError), /\//, "writeError names no path");
    rmSync(join(mount, "filler"));
    // Read-only: refused before any work.
    remount("ro");
    const ro = await answer(await postCsv(server, "/ratings/train", trainCsv));
    assert.equal(ro.status, 503, JSON.stringify(ro.body));
    assert.match(ro.body.message, /MODEL_DIR is not writable \(EROFS/);
    assertNoPath(JSON.stringify(ro.body));
    // Read-only between the check and the save: the training runs, the save fails.
    remount("rw");
    const training = postCsv(server, "/ratings/train", trainCsv);
    await new Promise((done) => setTimeout(done, 700));
    remount("ro");
    const late = await answer(await training);
    assert.equal(late.status, 503, JSON.stringify(late.body));
    assertNoPath(JSON.stringify(late.body));
    remount("rw");
    assert.equal(await (await postCsv(server, "/ratings/predict", queryCsv)).text(), before);
  } finally {
    await server.stop();
  }
  // After a restart the model that was saved is served again.
  const again = await startServer(env());
  try {
    assert.equal(
      ((await fetch(`${again.base}/health`).then((r) => r.json())) as { trained: boolean }).trained,
      true,
    );
  } finally {
    await again.stop();
  }
});

/**
 * Attaches strace to the running server so that from now on every `syscall` it makes fails with
 * `errno` (a real fault in the kernel's answer, not a mock); resolves once attached, with a
 * function that detaches it.
 */
async function injectFault(
  server: ServerProcess,
  syscall: string,
  errno: string,
): Promise<() => Promise<void>> {
  const strace = spawn("strace", [
    "-f",
    "-p",
    String(server.child.pid),
    "-e",
    `trace=${syscall}`,
    "-e",
    `inject=${syscall}:error=${errno}`,
    "-o",
    "/dev/null",
  ]);
  let said = "";
  await new Promise<void>((attached, failed) => {
    strace.stderr.on("data", (b: Buffer) => {
      said += b.toString();
      if (/attached/.test(said)) attached();
    });
    strace.once("exit", (code) => failed(new Error(`strace exited with ${code}: ${said}`)));
  });
  return async () => {
    const exited = new Promise((done) => strace.once("exit", done));
    strace.kill("SIGINT");
    await exited;
  };
}

test("faults injected into a save (strace): each answers 503 naming it, keeps the model, leaves no partial version", async () => {
  const server = await startServer(env());
  try {
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
    const before = await (await postCsv(server, "/ratings/predict", queryCsv)).text();
    for (const [syscall, errno, said] of [
      ["fsync", "ENOSPC", /ENOSPC: the disk is full/],
      ["symlink", "EACCES", /EACCES: permission denied/],
      ["mkdir", "EROFS", /EROFS/],
    ] as const) {
      const detach = await injectFault(server, syscall, errno);
      try {
        const failed = await answer(await postCsv(server, "/ratings/train", trainCsv));
        assert.equal(failed.status, 503, `${syscall}: ${JSON.stringify(failed.body)}`);
        assert.match(failed.body.message, said);
        assertNoPath(JSON.stringify(failed.body));
        assert.deepEqual(versions().length, 1, `${syscall}: no partial version folder is left`);
        assert.equal(await (await postCsv(server, "/ratings/predict", queryCsv)).text(), before);
      } finally {
        await detach();
      }
    }
    // The faults gone, the next training saves again.
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
    assert.deepEqual(versions().length, 1);
  } finally {
    await server.stop();
  }
});

test("a MODEL_DIR whose folder vanished under a running server is made again at the next save", async () => {
  const parent = join(mount, "models");
  const server = await startServer({ ...env(), MODEL_DIR: join(parent, "ratings") });
  try {
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
    rmSync(parent, { recursive: true });
    const again = await answer(await postCsv(server, "/ratings/train", trainCsv));
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(readdirSync(parent).filter((f) => f.startsWith("ratings.v-")).length, 1);
    assert.equal((await postCsv(server, "/ratings/predict", queryCsv)).status, 200);
  } finally {
    await server.stop();
  }
});

test("a client that hangs up mid-upload does not leave the server training forever", async () => {
  const server = await startServer(env());
  const { port } = new URL(server.base);
  try {
    const part = trainCsv.slice(0, 3000);
    for (const head of [
      `Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n`,
      `Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ]) {
      const socket = connect(Number(port), "127.0.0.1");
      socket.on("error", () => {});
      socket.write(`POST /ratings/train HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${head}${part}`);
      await new Promise((done) => setTimeout(done, 500));
      socket.destroy();
      await new Promise((done) => setTimeout(done, 500));
      const health = (await (await fetch(`${server.base}/health`)).json()) as { training: boolean };
      assert.equal(health.training, false, head.slice(0, 40));
    }
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
  } finally {
    await server.stop();
  }
});

test("a second server on the same MODEL_DIR refuses to start, naming the first one", async () => {
  const first = await startServer(env());
  try {
    await assert.rejects(startServer(env()), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`in use by another process \\(pid ${first.child.pid}\\)`),
      );
      return true;
    });
  } finally {
    await first.stop();
  }
});

test("hostile uploads get clear 4xx answers, never 500", async () => {
  const server = await startServer({ ...env(), REQUEST_TIMEOUT_S: "2" });
  try {
    assert.equal((await postCsv(server, "/ratings/train", trainCsv)).status, 200);
    // Lone CR line ends: rows are counted as the parser reads them, so the row limit holds.
    const lone = await answer(
      await postCsv(server, "/ratings/predict", "userId,movieId\r\n" + "1,31\r".repeat(1_000_001)),
    );
    assert.equal(lone.status, 413, JSON.stringify(lone.body));
    assert.match(lone.body.message, /more than 1000000 rows; at most 1000000/);
    const cr = await postCsv(
      server,
      "/ratings/predict",
      "userId,movieId\r" + "1,31\r".repeat(2000),
    );
    assert.equal(cr.status, 200);
    assert.equal(Object.keys((await cr.json()) as object).length, 2000);
    // Eleven form fields before the file.
    const form = new FormData();
    for (let i = 0; i < 11; i++) form.append(`f${i}`, "x");
    form.append("file", new Blob([queryCsv], { type: "text/csv" }), "q.csv");
    const fields = await answer(
      await fetch(`${server.base}/ratings/predict`, { method: "POST", body: form }),
    );
    assert.equal(fields.status, 413);
    assert.equal(fields.body.error, "too_many_fields");
    // A gzip body, an https Origin of the same host, a semicolon-separated file.
    const gz = await fetch(`${server.base}/ratings/predict`, {
      method: "POST",
      headers: { "content-type": "text/csv", "content-encoding": "gzip" },
      body: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]),
    });
    assert.equal(gz.status, 415);
    const https = await fetch(`${server.base}/ratings/predict`, {
      method: "POST",
      headers: { "content-type": "text/csv", origin: server.base.replace("http:", "https:") },
      body: queryCsv,
    });
    assert.equal(https.status, 403);
    const semi = await answer(await postCsv(server, "/ratings/predict", "userId;movieId\n1;31\n"));
    assert.equal(semi.status, 400);
    assert.match(semi.body.message, /separated by ";"; send comma-separated values/);
    const tab = await answer(await postCsv(server, "/ratings/predict", "userId\tmovieId\n1\t31\n"));
    assert.match(tab.body.message, /separated by tabs/);
    // A client that hangs up in the middle of a multipart upload.
    const { port } = new URL(server.base);
    const aborted = connect(Number(port), "127.0.0.1");
    aborted.write(
      `POST /ratings/predict HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="q.csv"\r\n\r\nuserId,movieId\n1,31\n`,
    );
    await new Promise((done) => setTimeout(done, 300));
    aborted.destroy();
    await new Promise((done) => setTimeout(done, 500));
    assert.equal((await fetch(`${server.base}/health`)).status, 200);
    assert.doesNotMatch(server.log(), /"level":50/, "nothing was logged as a server error");
  } finally {
    await server.stop();
  }
});

test("a client that trickles its body is cut off, and does not hold up a shutdown", async () => {
  const server = await startServer({ ...env(), REQUEST_TIMEOUT_S: "2" });
  const { port } = new URL(server.base);
  const socket = connect(Number(port), "127.0.0.1");
  let received = "";
  socket.on("data", (b: Buffer) => (received += b.toString()));
  const closed = new Promise<void>((done) => socket.on("close", () => done()));
  socket.write(
    `POST /ratings/train HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nuserId,rating,movieId\n`,
  );
  const trickle = setInterval(() => socket.writable && socket.write("1,4,31\n"), 500);
  const started = Date.now();
  try {
    await closed;
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 10, `the connection was kept for ${seconds} s`);
    assert.match(received, /^HTTP\/1\.1 408/);
    // Answered before its body arrived (predict without a model: 409), a trickling client gets
    // that one answer, then is cut off: never a second, unasked-for 408 on the same connection.
    const early = connect(Number(port), "127.0.0.1");
    let earlyReceived = "";
    early.on("data", (b: Buffer) => (earlyReceived += b.toString()));
    const earlyClosed = new Promise<void>((done) => early.on("close", () => done()));
    early.write(
      `POST /ratings/predict HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nuserId,movieId\n`,
    );
    await earlyClosed;
    assert.match(earlyReceived, /^HTTP\/1\.1 409/);
    assert.equal(earlyReceived.match(/HTTP\/1\.1/g)?.length, 1, earlyReceived);
    // Another slow client, then SIGTERM: the server exits without waiting for it.
    const slow = connect(Number(port), "127.0.0.1");
    slow.on("error", () => {});
    slow.write(`POST /ratings/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n1`);
    await new Promise((done) => setTimeout(done, 200));
    const stopping = Date.now();
    await server.stop();
    assert.ok(Date.now() - stopping < 8000, "SIGTERM waited for the slow client");
    slow.destroy();
  } finally {
    clearInterval(trickle);
    socket.destroy();
    await server.stop();
  }
});
