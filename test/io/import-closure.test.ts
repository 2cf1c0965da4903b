import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";

import { importClosure } from "../../src/io/import-closure";

test("importClosure follows relative imports transitively, and not packages", () => {
  const dir = mkdtempSync(join(tmpdir(), "closure-"));
  mkdirSync(join(dir, "lib"));
  writeFileSync(join(dir, "a.ts"), 'import { b } from "./b";\nimport x from "fflate";\n');
  writeFileSync(join(dir, "b.ts"), 'export { c } from "./lib/c";\nexport const b = 1;\n');
  writeFileSync(join(dir, "lib", "c.ts"), 'import type { A } from "../a";\nexport const c = 2;\n');
  writeFileSync(join(dir, "unused.ts"), "export const u = 3;\n");
  const files = importClosure([join(dir, "a.ts")]).map((f) => relative(dir, f));
  assert.deepEqual(files, ["a.ts", "b.ts", "lib/c.ts"]);
  writeFileSync(join(dir, "d.ts"), 'import { z } from "./missing";\n');
  assert.throws(
    () => importClosure([join(dir, "d.ts")]),
    /d\.ts: cannot find the module \.\/missing/,
  );
});

test("the zoo's cache key covers the random source and the data layout the simulator uses", () => {
  const sim = join("src", "particles", "simulation");
  const files = importClosure([join(sim, "simulate.ts"), join(sim, "law-zoo.ts")]).map((f) =>
    relative(process.cwd(), f),
  );
  for (const f of [
    "src/random/seeded.ts",
    "src/particles/data/particle-data.ts",
    join(sim, "interaction-law.ts"),
  ])
    assert.ok(files.includes(f), f);
});
