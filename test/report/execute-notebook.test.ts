import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

/** A Python process that writes `path` `count` times through execute_notebook.py's write_atomic. */
function writer(path: string, tag: string, count: number): Promise<number | null> {
  const code = [
    "import json, sys",
    "sys.path.insert(0, 'scripts')",
    "from execute_notebook import write_atomic",
    `for i in range(${count}):`,
    `    write_atomic(sys.argv[1], json.dumps({'tag': '${tag}', 'i': i, 'pad': 'x' * 200000}))`,
  ].join("\n");
  const p = spawn("/usr/bin/python3", ["-c", code, path], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((done) => p.on("exit", done));
}

test("two reports writing one notebook at once: no failed write, a reader only sees whole files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nbwrite-"));
  const path = join(dir, "01.ipynb");
  const writers = Promise.all([writer(path, "a", 150), writer(path, "b", 150)]);
  let done = false;
  void writers.then(() => (done = true));
  let reads = 0;
  while (!done) {
    try {
      JSON.parse(readFileSync(path, "utf8"));
      reads++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    await new Promise((next) => setImmediate(next));
  }
  assert.deepEqual(await writers, [0, 0]);
  assert.ok(reads > 0);
  assert.deepEqual(readdirSync(dir), ["01.ipynb"], "no temporary file left");
});
