import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { folderWriteProblem } from "../../src/io/folder-write-problem";

test("folderWriteProblem creates a writable folder and leaves nothing; names why one is not", () => {
  const root = mkdtempSync(join(tmpdir(), "writable-"));
  const dir = join(root, "a", "b");
  assert.equal(folderWriteProblem(dir), null);
  assert.ok(existsSync(dir));
  assert.deepEqual(readdirSync(dir), []);
  writeFileSync(join(root, "file"), "");
  const problem = folderWriteProblem(join(root, "file", "x")) ?? "";
  assert.match(problem, /^ENOTDIR: /);
  assert.doesNotMatch(problem, /ENOTDIR: ENOTDIR/, "the code is said once");
});
