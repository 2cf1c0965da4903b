import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

/** The `<sha256>  <file>` lines of a PROVENANCE.md. */
function listedSums(dir: string): [string, string][] {
  const text = readFileSync(join(dir, "PROVENANCE.md"), "utf8");
  return [...text.matchAll(/^([0-9a-f]{64})\s+(\S+)/gm)].map((m) => [m[1], m[2]]);
}

for (const dir of ["data/ratings", "data/particles", "data/tokenizer"]) {
  test(`${dir}: files match the sha256 sums in PROVENANCE.md`, () => {
    const sums = listedSums(dir);
    assert.ok(sums.length > 0, `no sha256 lines in ${dir}/PROVENANCE.md`);
    for (const [sum, file] of sums) {
      const actual = createHash("sha256").update(readFileSync(join(dir, file))).digest("hex");
      assert.equal(actual, sum, `${dir}/${file}`);
    }
  });
}
