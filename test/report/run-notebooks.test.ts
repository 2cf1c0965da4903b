import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { notebookPrerequisites, runNotebooks } from "../../src/report/run-notebooks";

// Real notebooks on the real kernel: copies of the fixtures, with `metadata.report.after` set.
const fixtures = "test/fixtures/notebooks-broken";
const fine = JSON.parse(readFileSync(join(fixtures, "01-fine.ipynb"), "utf8")) as {
  metadata: Record<string, unknown>;
};
const broken = JSON.parse(readFileSync(join(fixtures, "02-broken.ipynb"), "utf8")) as typeof fine;

/** A folder of notebooks: each name with its content and the notebooks it waits for. */
function folder(notebooks: [string, typeof fine, string[]][]): string {
  const dir = mkdtempSync(join(tmpdir(), "run-nb-"));
  for (const [name, nb, after] of notebooks)
    writeFileSync(
      join(dir, name),
      JSON.stringify({ ...nb, metadata: { ...nb.metadata, report: { after } } }),
    );
  return dir;
}

test("notebooks run side by side, and one waits for the notebooks its metadata names", async () => {
  const dir = folder([
    ["01-a.ipynb", fine, []],
    ["02-b.ipynb", fine, []],
    ["03-c.ipynb", fine, ["01-a.ipynb", "02-b.ipynb"]],
  ]);
  const events: string[] = [];
  const runs = await runNotebooks(
    dir,
    ["01-a.ipynb", "02-b.ipynb", "03-c.ipynb"],
    { outDir: mkdtempSync(join(tmpdir(), "nb-out-")) },
    3,
    (name) => events.push(`start ${name}`),
    (run) => events.push(`done ${run.notebook}`),
  );
  assert.deepEqual(
    runs.map((r) => [r.notebook, r.ok]),
    [
      ["01-a.ipynb", true],
      ["02-b.ipynb", true],
      ["03-c.ipynb", true],
    ],
  );
  // a and b both start before either is done; c starts after both are.
  assert.deepEqual(events.slice(0, 2), ["start 01-a.ipynb", "start 02-b.ipynb"]);
  const at = (e: string) => events.indexOf(e);
  assert.ok(at("start 03-c.ipynb") > at("done 01-a.ipynb"), events.join(", "));
  assert.ok(at("start 03-c.ipynb") > at("done 02-b.ipynb"), events.join(", "));
});

test("after a failure no notebook starts; a notebook left out of the run is not waited for", async () => {
  const dir = folder([
    ["01-broken.ipynb", broken, []],
    ["02-fine.ipynb", fine, []],
    ["03-after.ipynb", fine, ["01-broken.ipynb"]],
  ]);
  const out = mkdtempSync(join(tmpdir(), "nb-out-"));
  const runs = await runNotebooks(
    dir,
    ["01-broken.ipynb", "02-fine.ipynb", "03-after.ipynb"],
    { outDir: out },
    1,
  );
  assert.deepEqual(
    runs.map((r) => [r.notebook, r.ok]),
    [["01-broken.ipynb", false]],
  );
  const alone = await runNotebooks(dir, ["03-after.ipynb"], { outDir: out }, 2);
  assert.deepEqual(
    alone.map((r) => [r.notebook, r.ok]),
    [["03-after.ipynb", true]],
  );
});

test("a notebook that waits for a later one, or metadata that is not a list of names, is refused by name", async () => {
  const dir = folder([
    ["01-a.ipynb", fine, ["02-b.ipynb"]],
    ["02-b.ipynb", fine, []],
  ]);
  await assert.rejects(
    runNotebooks(dir, ["01-a.ipynb", "02-b.ipynb"], { outDir: dir }, 2),
    /01-a\.ipynb: metadata\.report\.after names 02-b\.ipynb, which runs after it/,
  );
  const bad = join(dir, "03-bad.ipynb");
  writeFileSync(bad, JSON.stringify({ ...fine, metadata: { report: { after: "01-a.ipynb" } } }));
  assert.throws(
    () => notebookPrerequisites(bad),
    /03-bad\.ipynb: metadata\.report\.after must be a list/,
  );
  assert.deepEqual(notebookPrerequisites("notebooks/03-cold-start-rating-model.ipynb"), [
    "02-overview-embeddings.ipynb",
  ]);
});
