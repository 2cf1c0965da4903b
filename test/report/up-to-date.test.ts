import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { runNotebooks } from "../../src/report/run-notebooks";
import {
  sharedInputDigest,
  stampPath,
  upToDateStamp,
  writeStamp,
} from "../../src/report/up-to-date";

const fine = readFileSync("test/fixtures/notebooks-broken/01-fine.ipynb", "utf8");

test("outputs are up to date only for the same inputs and while both files are as stamped", () => {
  const out = mkdtempSync(join(tmpdir(), "stamp-"));
  const ipynb = join(out, "01-a.ipynb");
  const html = join(out, "01-a.html");
  writeFileSync(ipynb, "{}");
  writeFileSync(html, "<p>a</p>");
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const run = { notebook: "01-a.ipynb", ipynb, seconds: 4.2, reused: 1 };
  writeStamp(run, "k1");
  assert.equal(upToDateStamp(ipynb, html, "k1"), undefined, "no digests of what was written");
  const written = { ipynb: sha("{}"), html: sha("<p>a</p>") };
  writeStamp({ ...run, written: { ...written, html: sha("<p>another run's</p>") } }, "k1");
  assert.equal(upToDateStamp(ipynb, html, "k1"), undefined, "replaced by another run since");
  writeStamp({ ...run, written }, "k1");
  assert.equal(upToDateStamp(ipynb, html, "k1")?.seconds, 4.2);
  assert.equal(upToDateStamp(ipynb, html, "k2"), undefined, "other inputs");
  appendFileSync(html, " ");
  assert.equal(upToDateStamp(ipynb, html, "k1"), undefined, "an edited report");
  writeStamp({ ...run, written }, "k1");
  writeFileSync(stampPath(ipynb), "{ not json");
  assert.equal(upToDateStamp(ipynb, html, "k1"), undefined, "a stamp that cannot be read");
  writeStamp({ ...run, written }, "k1");
  const stamp = JSON.parse(readFileSync(stampPath(ipynb), "utf8")) as Record<string, unknown>;
  writeFileSync(stampPath(ipynb), JSON.stringify({ ...stamp, seconds: "4.2" }));
  assert.equal(
    upToDateStamp(ipynb, html, "k1"),
    undefined,
    "a stamp with a field of the wrong type",
  );
});

test("the shared inputs change with the data and the measured tables, not with the prose", () => {
  const data = mkdtempSync(join(tmpdir(), "data-"));
  const docs = mkdtempSync(join(tmpdir(), "docs-"));
  writeFileSync(join(data, "df_train.csv"), "userId,rating,movieId\n1,4,2\n");
  writeFileSync(join(docs, "generality.json"), "[]");
  writeFileSync(join(docs, "particles.md"), "# Particles");
  const digest = () => sharedInputDigest({ REPORT_QUICK: "0" }, { data, docs });
  const base = digest();
  writeFileSync(join(docs, "particles.md"), "# Particles, reworded");
  assert.equal(digest(), base, "prose in docs/");
  writeFileSync(join(docs, "generality.json"), "[{}]");
  const rerunBench = digest();
  assert.notEqual(rerunBench, base, "a benchmark's table");
  writeFileSync(join(data, "df_train.csv"), "userId,rating,movieId\n1,5,2\n");
  assert.notEqual(digest(), rerunBench, "the data");
});

test("the shared inputs change with the settings and with a local copy of the model", () => {
  const base = sharedInputDigest({ REPORT_QUICK: "0" });
  assert.equal(sharedInputDigest({ REPORT_QUICK: "0" }), base);
  assert.notEqual(sharedInputDigest({ REPORT_QUICK: "1" }), base);
  const model = mkdtempSync(join(tmpdir(), "model-"));
  const withModel = sharedInputDigest({ REPORT_QUICK: "0", EMBEDDING_MODEL: model });
  mkdirSync(join(model, "onnx"));
  writeFileSync(join(model, "onnx", "model.onnx"), "weights");
  assert.notEqual(sharedInputDigest({ REPORT_QUICK: "0", EMBEDDING_MODEL: model }), withModel);
  // Links are followed (a folder may be a link to one elsewhere), a loop of them entered once,
  // and a broken one left out.
  const elsewhere = mkdtempSync(join(tmpdir(), "weights-"));
  writeFileSync(join(elsewhere, "model.onnx"), "w");
  symlinkSync(elsewhere, join(model, "linked"));
  symlinkSync(model, join(model, "loop"));
  symlinkSync(join(model, "gone"), join(model, "broken"));
  const linked = sharedInputDigest({ REPORT_QUICK: "0", EMBEDDING_MODEL: model });
  writeFileSync(join(elsewhere, "model.onnx"), "weights");
  assert.notEqual(sharedInputDigest({ REPORT_QUICK: "0", EMBEDDING_MODEL: model }), linked);
});

test("a rerun skips notebooks whose inputs are unchanged, and reruns an edited one and those after it", async () => {
  // Real notebooks on the real kernel: 02-b waits for 01-a.
  const dir = mkdtempSync(join(tmpdir(), "uptodate-nb-"));
  const nb = JSON.parse(fine) as { cells: { source: string[] }[]; metadata: object };
  const write = (name: string, after: string[], note: string) =>
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        ...nb,
        cells: [{ ...nb.cells[0], source: [`# ${note}`] }, ...nb.cells.slice(1)],
        metadata: { ...nb.metadata, report: { after } },
      }),
    );
  write("01-a.ipynb", [], "A");
  write("02-b.ipynb", ["01-a.ipynb"], "B");
  const out = mkdtempSync(join(tmpdir(), "uptodate-out-"));
  const names = ["01-a.ipynb", "02-b.ipynb"];
  const report = async (skipUpToDate: boolean) => {
    const started: string[] = [];
    const runs = await runNotebooks(dir, names, { outDir: out, skipUpToDate }, 2, (n) =>
      started.push(n),
    );
    assert.ok(
      runs.every((r) => r.ok),
      runs.map((r) => r.error).join("\n"),
    );
    return { started, upToDate: runs.filter((r) => r.upToDateSince).map((r) => r.notebook) };
  };
  assert.deepEqual(await report(true), { started: names, upToDate: [] });
  const executed = readFileSync(join(out, "02-b.ipynb"), "utf8");
  assert.deepEqual(await report(true), { started: [], upToDate: names });
  assert.equal(
    readFileSync(join(out, "02-b.ipynb"), "utf8"),
    executed,
    "outputs left as they were",
  );
  write("01-a.ipynb", [], "A, edited");
  assert.deepEqual(await report(true), { started: names, upToDate: [] });
  assert.deepEqual(await report(false), { started: names, upToDate: [] }, "forced");
});
