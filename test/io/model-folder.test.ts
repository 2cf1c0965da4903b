import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

import { lockModelDir, ModelFilesError, recoverModelDir } from "../../src/io/model-folder";
import { loadModelDir } from "../../src/io/tf-model-files";
import { freeBytes, mountTmpfs } from "../fixtures/tmpfs";

const fixtures = join(__dirname, "..", "fixtures");
const save = (dir: string, version: number, padding = 0) =>
  spawnSync(
    process.execPath,
    ["--import", "tsx", join(fixtures, "save-model.ts"), dir, String(version), String(padding)],
    { encoding: "utf8" },
  );
const versionOf = async (dir: string): Promise<number> =>
  (await loadModelDir<{ version: number }>(dir)).metadata.version;

/** A real 1 MiB tmpfs (the test runs as root, as CI does); unmounted when the tests end. */
const tmpfs = (): string => mountTmpfs("size=1m");

test("a full disk fails the save, keeps the previous model and leaves no partial version", async () => {
  const mount = tmpfs();
  const dir = join(mount, "m");
  assert.equal(save(dir, 1).status, 0);
  // Fill the disk up to about 100 KB free, then save a model of about 150 KB.
  const filler = join(mount, "filler");
  const free = () => freeBytes(mount);
  writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 100_000)));
  const run = save(dir, 2, 150_000);
  assert.notEqual(run.status, 0, "the save on a full disk must fail");
  assert.match(run.stderr, /ModelFilesError: could not save the model .*ENOSPC: the disk is full/);
  assert.equal(recoverModelDir(dir), true);
  assert.equal(await versionOf(dir), 1, "the previous model is still there");
  assert.deepEqual(
    readdirSync(mount).filter((f) => f.startsWith("m.v-")).length,
    1,
    "only the previous version folder remains",
  );
  rmSync(filler);
  assert.equal(save(dir, 3).status, 0, "with room again, saves work");
  assert.equal(await versionOf(dir), 3);
});

test("a read-only disk fails the save with EROFS and keeps the model", async () => {
  const mount = tmpfs();
  const dir = join(mount, "m");
  assert.equal(save(dir, 1).status, 0);
  assert.equal(spawnSync("mount", ["-o", "remount,ro", mount]).status, 0);
  const run = save(dir, 2);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /EROFS: the disk is read-only/);
  assert.equal(await versionOf(dir), 1);
});

test("an edited metadata.json is refused by its checksum, naming the file", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "meta-")), "m");
  assert.equal(save(dir, 1).status, 0);
  const meta = join(dir, "metadata.json");
  writeFileSync(meta, readFileSync(meta, "utf8").replace('"version": 1', '"version": 7'));
  await assert.rejects(loadModelDir(dir), /m\/metadata\.json does not match its saved checksum/);
});

test("a folder of another format version is refused, naming both versions", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "format-")), "m");
  assert.equal(save(dir, 1).status, 0);
  const sums = join(dir, "checksums.json");
  const saved = JSON.parse(readFileSync(sums, "utf8")) as { format?: number };
  delete saved.format;
  writeFileSync(sums, JSON.stringify(saved));
  await assert.rejects(
    loadModelDir(dir),
    /format "1 \(unversioned\)", this version reads format 2/,
  );
});

test("recovery and saves leave the user's folders alone, whatever their names", async () => {
  const parent = mkdtempSync(join(tmpdir(), "own-"));
  const dir = join(parent, "m");
  for (const name of ["m.v-backup", "m.v-1-2-3", "m.v-0"]) {
    mkdirSync(join(parent, name));
    writeFileSync(join(parent, name, "keep.txt"), name);
  }
  assert.equal(save(dir, 1).status, 0);
  assert.equal(save(dir, 2).status, 0);
  recoverModelDir(dir);
  for (const name of ["m.v-backup", "m.v-1-2-3", "m.v-0"])
    assert.equal(readFileSync(join(parent, name, "keep.txt"), "utf8"), name);
  assert.equal(await versionOf(dir), 2);
});

test("a model folder that is an absolute link to its own version is kept", async () => {
  const parent = mkdtempSync(join(tmpdir(), "abs-"));
  const dir = join(parent, "m");
  assert.equal(save(dir, 1).status, 0);
  const version = resolve(parent, readlinkSync(dir));
  rmSync(dir);
  symlinkSync(version, dir); // absolute
  assert.equal(recoverModelDir(dir), true);
  assert.ok(existsSync(version), "the version folder must not be deleted");
  assert.equal(await versionOf(dir), 1);
  assert.equal(save(dir, 2).status, 0);
  assert.equal(await versionOf(dir), 2);
});

test("a model folder linked to another volume stays there", async () => {
  const here = mkdtempSync(join(tmpdir(), "here-"));
  const there = mkdtempSync(join(tmpdir(), "there-"));
  const dir = join(here, "m");
  symlinkSync(join(there, "m"), dir);
  assert.equal(save(dir, 1).status, 0);
  assert.equal(save(dir, 2).status, 0);
  assert.equal(readlinkSync(dir), join(there, "m"), "the user's link is kept");
  assert.ok(
    readdirSync(there).some((f) => f.startsWith("m.v-")),
    "versions live on the other volume",
  );
  assert.equal(await versionOf(dir), 2);
  assert.equal(realpathSync(dir).startsWith(realpathSync(there)), true);
});

test("a second process is refused the lock of a model folder, naming the holder", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lock-")), "m");
  const holder = spawn(process.execPath, [
    "--import",
    "tsx",
    join(fixtures, "hold-model-lock.ts"),
    dir,
  ]);
  await new Promise<void>((done, fail) => {
    holder.stdout.on("data", (b: Buffer) => b.toString().includes("locked") && done());
    holder.on("exit", (code) => fail(new Error(`holder exited ${code}`)));
  });
  try {
    assert.throws(
      () => lockModelDir(dir),
      (err: Error) =>
        err instanceof ModelFilesError &&
        err.message.includes(`in use by another process (pid ${holder.pid})`),
    );
    const run = save(dir, 1);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /in use by another process/);
  } finally {
    holder.stdin.end();
    await new Promise((done) => holder.on("exit", done));
  }
  // A lock left by a process that is gone is taken over.
  writeFileSync(`${dir}.lock`, "999999999\n");
  const release = lockModelDir(dir);
  release();
  assert.equal(existsSync(`${dir}.lock`), false);
  // So is one that names this very pid, left by an earlier process that had it.
  writeFileSync(`${dir}.lock`, `${process.pid}\n`);
  lockModelDir(dir)();
  assert.equal(existsSync(`${dir}.lock`), false);
});

test("a lock path that is a folder or a link (even to nothing) is refused, naming it", () => {
  const parent = mkdtempSync(join(tmpdir(), "lockpath-"));
  const dir = join(parent, "m");
  mkdirSync(`${dir}.lock`);
  assert.throws(
    () => lockModelDir(dir),
    (err: Error) =>
      err instanceof ModelFilesError &&
      err.message.includes(`its lock ${dir}.lock is a folder, not a lock file`),
  );
  rmSync(`${dir}.lock`, { recursive: true });
  symlinkSync(join(parent, "nowhere"), `${dir}.lock`);
  assert.throws(() => lockModelDir(dir), /m\.lock is a link, not a lock file/);
});

test("two processes taking over one stale lock at once: exactly one gets it", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lockrace-")), "m");
  for (let trial = 0; trial < 8; trial++) {
    writeFileSync(`${dir}.lock`, "999999999\n");
    const startAt = String(Date.now() + 1500);
    const holders = [0, 1].map(() =>
      spawn(process.execPath, [
        "--import",
        "tsx",
        join(fixtures, "hold-model-lock.ts"),
        dir,
        startAt,
      ]),
    );
    const outcomes = await Promise.all(
      holders.map(
        (h) =>
          new Promise<boolean>((done) => {
            h.stdout.on("data", (b: Buffer) => b.toString().includes("locked") && done(true));
            h.on("exit", () => done(false));
          }),
      ),
    );
    for (const h of holders) h.stdin.end();
    const exited = (h: (typeof holders)[number]) =>
      new Promise((done) => (h.exitCode !== null ? done(h.exitCode) : h.on("exit", done)));
    await Promise.all(holders.map(exited));
    assert.equal(outcomes.filter(Boolean).length, 1, `trial ${trial}: ${outcomes.join(", ")}`);
  }
});
