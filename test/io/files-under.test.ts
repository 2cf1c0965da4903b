import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { filesUnder } from "../../src/io/files-under";

test("filesUnder lists every file, each folder's names sorted, through links, each real folder once", () => {
  const root = mkdtempSync(join(tmpdir(), "files-under-"));
  try {
    const elsewhere = mkdtempSync(join(tmpdir(), "files-under-elsewhere-"));
    try {
      mkdirSync(join(root, "b"));
      writeFileSync(join(root, "b", "z.ts"), "z");
      writeFileSync(join(root, "b", "a.ts"), "a");
      writeFileSync(join(root, "a-first.ts"), "f");
      writeFileSync(join(elsewhere, "far.json"), "{}");
      symlinkSync(elsewhere, join(root, "c-link"));
      // A loop of links, a second way into `b`, and a link to nothing.
      symlinkSync(root, join(root, "b", "up"));
      symlinkSync(join(root, "b"), join(root, "d-again"));
      symlinkSync(join(root, "missing"), join(root, "e-broken"));
      assert.deepEqual(filesUnder(root), [
        join(root, "a-first.ts"),
        join(root, "b", "a.ts"),
        join(root, "b", "z.ts"),
        join(root, "c-link", "far.json"),
      ]);
      assert.deepEqual(filesUnder(join(root, "a-first.ts")), [join(root, "a-first.ts")]);
      assert.deepEqual(filesUnder(join(root, "missing")), []);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
