import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

import { errorScore, measureCodeQuality, sizeScore } from "../../src/quality/code-quality";
import { sourceLines } from "../../src/quality/source-lines";

test("sourceLines skips blank lines, line comments and comment blocks", () => {
  const text = "/**\n * Doc.\n */\nexport const a = 1; // why\n\n/* x */ const b = 2;\n// gone\n";
  assert.equal(sourceLines(text), 2);
  // A block opened after code on its line is still a comment on the lines that follow.
  assert.equal(sourceLines("const a = 1; /* why,\n at length,\n here */\nconst b = 2;\n"), 2);
  // Comment marks inside strings and regular expressions are not comments.
  assert.equal(sourceLines('const s = "/*";\nconst t = 1;\nconst r = /\\/\\//;\n// end\n'), 3);
  // A template literal over three lines is three lines of code.
  assert.equal(sourceLines("const t = `a\n/* b\nc`;\n"), 3);
});

test("the challenge's formulas", () => {
  assert.equal(errorScore(0, 100), 1);
  assert.ok(Math.abs(errorScore(5, 400) - Math.exp(-0.1)) < 1e-12);
  assert.equal(sizeScore(50), 1);
  assert.ok(Math.abs(sizeScore(1600) - Math.exp(-1.875)) < 1e-12);
});

test("each checker counts its own errors in a project laid out like this one", async () => {
  const root = mkdtempSync(join(tmpdir(), "quality-"));
  for (const f of ["eslint.config.mjs", "tsconfig.json"]) copyFileSync(f, join(root, f));
  symlinkSync(resolve("node_modules"), join(root, "node_modules"));
  mkdirSync(join(root, "src", "server"), { recursive: true });
  writeFileSync(
    join(root, "src", "server", "bad.ts"),
    [
      'import { join } from "node:path";',
      'import { existsSync } from "node:fs";', // import order: fs before path
      "",
      "export function undocumented(): boolean {", // doc comment missing
      '  const n: number = "one";', // type error
      "  var unused = join('a');", // eslint: no-var and unused
      "  return existsSync(String(n));",
      "}",
      "",
    ].join("\n"),
  );
  const report = await measureCodeQuality(["src/server"], root);
  const errors = Object.fromEntries(report.parts.map((p) => [p.name, p.errors]));
  assert.equal(report.sloc, 7);
  assert.equal(errors["import order"], 1);
  assert.equal(errors["doc comments"], 1);
  assert.equal(errors["type checker (tsc strict)"], 1);
  assert.ok(errors["linter (eslint)"]! >= 2, JSON.stringify(errors));
  assert.ok(report.score < 0.5 && report.score > 0, `score ${report.score}`);
});
