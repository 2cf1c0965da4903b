import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { loadModelDir, recoverModelDir } from "../../src/io/tf-model-files";

const saver = join(__dirname, "..", "fixtures", "save-model.ts");
const save = (dir: string, version: number, strace: string[] = []) =>
  spawnSync(
    strace.length > 0 ? "strace" : process.execPath,
    [
      ...strace,
      ...(strace.length > 0 ? [process.execPath] : []),
      "--import",
      "tsx",
      saver,
      dir,
      String(version),
    ],
    { encoding: "utf8" },
  );
// Every call that moves, links, removes, creates or flushes a file during a save (and the few of
// them that node makes while starting, which come first).
const CALLS =
  "rename,renameat,renameat2,symlink,symlinkat,unlink,unlinkat,rmdir,mkdir,mkdirat,fsync,fdatasync";

test("a save killed at any file operation leaves the old or the new model, and no orphans", () => {
  const template = mkdtempSync(join(tmpdir(), "crash-template-"));
  assert.equal(save(join(template, "m"), 1).status, 0);
  const seen = new Set<number>();
  let completed = false;
  for (let n = 1; n <= 60 && !completed; n++) {
    const parent = mkdtempSync(join(tmpdir(), "crash-"));
    cpSync(template, parent, { recursive: true, verbatimSymlinks: true });
    const dir = join(parent, "m");
    const run = save(dir, 2, [
      "-f",
      "-qq",
      "-o",
      "/dev/null",
      "-e",
      `inject=${CALLS}:signal=SIGKILL:when=${n}`,
    ]);
    completed = run.status === 0;
    // What the server does when it starts again:
    assert.equal(recoverModelDir(dir), true, `kill at call ${n}: no model left`);
    const { version } = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8")) as {
      version: number;
    };
    assert.ok(version === 1 || version === 2, `kill at call ${n}: version ${version}`);
    seen.add(version);
    // A killed save leaves its lock file (taken over by the next process, see lockModelDir).
    const left = readdirSync(parent)
      .filter((f) => f !== "m.lock")
      .sort();
    assert.equal(left.length, 2, `kill at call ${n}: ${left.join(", ")}`);
    assert.deepEqual(
      [left[0], left[1].replace(/-\d+-\d+-\d+$/, "")],
      ["m", "m.v"],
      left.join(", "),
    );
  }
  assert.ok(completed, "the save never completed under strace");
  assert.deepEqual([...seen].sort(), [1, 2], "kills both before and after the swap were tried");
});

test("damaged weights are refused, naming the file; the checksum is kept with the model", async () => {
  const parent = mkdtempSync(join(tmpdir(), "sums-"));
  const dir = join(parent, "m");
  assert.equal(save(dir, 1).status, 0);
  const { metadata } = await loadModelDir<{ version: number }>(dir);
  assert.equal(metadata.version, 1);
  const weights = join(dir, "weights.bin");
  const length = readFileSync(weights).length;
  writeFileSync(weights, Buffer.from(Array.from({ length }, (_, i) => (i * 37) % 256)));
  await assert.rejects(loadModelDir(dir), /weights\.bin does not match its saved checksum/);
});
