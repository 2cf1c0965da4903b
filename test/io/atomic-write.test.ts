import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { writeFileAtomic } from "../../src/io/atomic-write";

test("a writer killed mid-write leaves a temporary that the next write of the file removes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "atomic-"));
  const path = join(dir, "entry.v8");
  // A real writer, killed (SIGKILL) while its temporary file is open.
  const code = [
    "const fs = require('node:fs');",
    `const fd = fs.openSync(${JSON.stringify(path)} + '.' + process.pid + '.' + Date.now() + '.1.tmp', 'w');`,
    "fs.writeSync(fd, Buffer.alloc(1 << 20));",
    "console.log('writing');",
    "setInterval(() => {}, 1000);",
  ].join("\n");
  const child = spawn(process.execPath, ["-e", code]);
  await new Promise((done) => child.stdout.once("data", done));
  const live = readdirSync(dir).filter((f) => f.endsWith(".tmp"));
  assert.equal(live.length, 1);
  writeFileAtomic(path, "first");
  assert.ok(existsSync(join(dir, live[0])), "a live writer's temporary is left alone");
  child.kill("SIGKILL");
  await new Promise((done) => child.on("exit", done));
  writeFileSync(join(dir, "other.v8.999999999.1.tmp"), "not this file's");
  writeFileAtomic(path, "second");
  assert.equal(readFileSync(path, "utf8"), "second");
  assert.deepEqual(readdirSync(dir).sort(), ["entry.v8", "other.v8.999999999.1.tmp"]);
});
