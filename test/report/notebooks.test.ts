import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { executeNotebook, listNotebooks } from "../../src/report/notebooks";

const broken = "test/fixtures/notebooks-broken";

test("listNotebooks returns numbered notebooks in order", () => {
  assert.deepEqual(listNotebooks(broken), ["01-fine.ipynb", "02-broken.ipynb"]);
});

test("a failing cell is named with its notebook and cell, and later cells do not run", async () => {
  const out = mkdtempSync(join(tmpdir(), "nb-"));
  const run = await executeNotebook(join(broken, "02-broken.ipynb"), { outDir: out });
  assert.equal(run.ok, false);
  assert.match(
    run.error ?? "",
    /02-broken\.ipynb: cell 3 \(code cell 2, `throw new Error\("deliberately broken"\)/,
  );
  assert.match(run.error ?? "", /deliberately broken/);
  const executed = JSON.parse(readFileSync(run.ipynb, "utf8")) as {
    cells: { outputs?: unknown[] }[];
  };
  assert.deepEqual(executed.cells[4].outputs, [], "the cell after the failure must not have run");
  assert.ok(existsSync(run.html), "the partial HTML report is still written");
});

test("an unawaited rejected promise fails the notebook too", async () => {
  const out = mkdtempSync(join(tmpdir(), "nb-"));
  const run = await executeNotebook(join("test/fixtures/notebooks-rejected", "01-rejected.ipynb"), {
    outDir: out,
  });
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /cell 1 .* a promise rejected without being awaited/s);
});

test("the report command exits 1 and names notebook and cell", () => {
  const out = mkdtempSync(join(tmpdir(), "nb-"));
  const res = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/report/cli.ts", "--notebooks", broken, "--out", out],
    {
      encoding: "utf8",
    },
  );
  assert.equal(res.status, 1, res.stdout + res.stderr);
  assert.match(res.stdout, /01-fine\.ipynb: ok/);
  // Each code cell is named as it runs, with its time.
  assert.match(res.stdout, /01-fine\.ipynb \[1\/\d+\] .* \.\.\. ok \d+\.\d s/);
  assert.match(res.stdout, /02-broken\.ipynb \[\d+\/\d+\] .* \.\.\. FAILED \d+\.\d s/);
  // The two notebooks run side by side, so each cell's progress is whole lines (a line when it
  // starts, one when it ends) and the runner's own lines are never appended to a cell's.
  assert.match(res.stdout, /01-fine\.ipynb \[1\/\d+\] .* \.\.\. started\n/);
  for (const line of res.stdout.split("\n"))
    assert.ok(!line.includes("[report]") || line.startsWith("[report]"), line);
  assert.match(res.stderr, /02-broken\.ipynb: cell 3/);
  assert.match(
    readFileSync(join(out, "index.html"), "utf8"),
    /02-broken\.ipynb<\/a><\/td><td>FAILED/,
  );
});

test("a second report into the same output folder is refused, naming the first one's pid", async () => {
  const out = mkdtempSync(join(tmpdir(), "nb-"));
  const report = () =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", "src/report/cli.ts", "--notebooks", broken, "--out", out, "01-fine"],
      { encoding: "utf8" },
    );
  // The other report: a process holding the folder's lock, as a running report does.
  const holder = spawn(process.execPath, [
    "--import",
    "tsx",
    "test/fixtures/hold-model-lock.ts",
    out,
  ]);
  await new Promise<void>((done, fail) => {
    holder.stdout.on("data", (b: Buffer) => b.toString().includes("locked") && done());
    holder.on("exit", (code) => fail(new Error(`holder exited ${code}`)));
  });
  try {
    const refused = report();
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(`in use by another process \\(pid ${holder.pid}\\): one report per output folder`),
    );
    assert.equal(existsSync(join(out, "01-fine.html")), false, "the refused report ran nothing");
  } finally {
    holder.stdin.end();
    await new Promise((done) => holder.on("exit", done));
  }
  const after = report();
  assert.equal(after.status, 0, after.stdout + after.stderr);
  assert.equal(existsSync(`${out}.lock`), false, "the report let its lock go");
});
