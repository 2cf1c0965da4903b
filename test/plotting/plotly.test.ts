import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { figureHtml, savePlot } from "../../src/plotting/plotly";
import { tableHtml } from "../../src/plotting/table";

test("figureHtml embeds the traces and escapes closing tags", () => {
  const html = figureHtml({ data: [{ type: "bar", x: ["</script>"], y: [1] }] }, "p1");
  assert.match(html, /<div id="p1"/);
  assert.match(html, /newPlot\("p1"/);
  assert.ok(!html.includes('</script>"]'), "a closing script tag in data must be escaped");
});

test("savePlot writes a standalone page with plotly.js inlined", () => {
  const path = join(mkdtempSync(join(tmpdir(), "plot-")), "p.html");
  savePlot(
    { data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: { text: "T" } } },
    path,
  );
  const html = readFileSync(path, "utf8");
  assert.match(html, /<title>T<\/title>/);
  assert.ok(html.length > 1_000_000, "the plotly bundle should be inlined");
});

test("tableHtml rounds floats and escapes text", () => {
  assert.equal(
    tableHtml([{ a: 1.23456, b: "<x>" }], 2),
    "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>1.23</td><td>&lt;x&gt;</td></tr>\n</tbody></table>",
  );
});
