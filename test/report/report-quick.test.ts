import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { main } from "../../src/report/cli";
import { listNotebooks } from "../../src/report/notebooks";

// Executes every real notebook on the real tslab kernel in quick mode, as `npm run report -- --quick`.
// Set SKIP_NOTEBOOKS=1 for a fast unit-only run.
test(
  "every notebook runs in quick mode and gets an HTML report",
  { skip: process.env.SKIP_NOTEBOOKS === "1" },
  async () => {
    const out = mkdtempSync(join(tmpdir(), "report-"));
    const code = await main(["--quick", "--out", out]);
    assert.equal(code, 0, "a notebook failed: see the [report] lines above");
    for (const nb of listNotebooks("notebooks")) {
      const html = readFileSync(join(out, nb.replace(/\.ipynb$/, ".html")), "utf8");
      assert.match(html, /window\.Plotly\.newPlot/, `${nb}: no plot in the report`);
    }
  },
);
