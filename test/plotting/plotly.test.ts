import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { figureHtml } from "../../src/plotting/figure";
import { formatNumber } from "../../src/plotting/number-format";
import { figureBundle, savePlot } from "../../src/plotting/plotly";
import { tableHtml } from "../../src/plotting/table";

test("figureHtml: a unique element, the static image inside, closing tags escaped", () => {
  const fig = {
    data: [{ type: "bar", x: ["</script>"], y: [1] }],
    layout: { title: { text: "T" } },
  };
  const html = figureHtml(fig, "iVBORw0KGgo=", "p1");
  assert.match(html, /<div class="lmt-plot" id="p1"/);
  assert.match(html, /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="T"/);
  assert.match(html, /id="p1";/);
  assert.ok(!html.includes('</script>"]'), "a closing script tag in data must be escaped");
  // Ids are unique from one output to the next, across kernels too.
  const ids = [figureHtml(fig, null), figureHtml(fig, null)].map((h) => /id="([^"]+)"/.exec(h)![1]);
  assert.notEqual(ids[0], ids[1]);
  assert.match(figureHtml(fig, null), /interactive figure \(needs plotly.js\)/);
});

test("figureBundle: HTML with the PNG inside, the PNG, plotly JSON for JupyterLab and VS Code", () => {
  const fig = { data: [{ type: "bar", y: [1, 2] }], layout: { title: { text: "Counts" } } };
  const bundle = figureBundle(fig, "iVBORw0KGgo=");
  assert.match(bundle["text/html"] as string, /data:image\/png;base64,iVBORw0KGgo=/);
  assert.equal(bundle["image/png"], "iVBORw0KGgo=");
  const json = bundle["application/vnd.plotly.v1+json"] as {
    data: unknown;
    layout: Record<string, unknown>;
  };
  assert.deepEqual(json.data, fig.data);
  assert.deepEqual(json.layout.title, { text: "Counts" });
  assert.equal(bundle["text/plain"], "<figure: Counts>");
  assert.equal(figureBundle(fig, null)["image/png"], undefined);
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

test("formatNumber: no float noise, separators, scientific notation at the extremes", () => {
  assert.equal(formatNumber(174.0999999999999), "174.1");
  assert.equal(formatNumber(83574), "83,574");
  assert.equal(formatNumber(0.000123), "1.23e-4");
  assert.equal(formatNumber(0.68886, 4), "0.6889");
  assert.equal(formatNumber(-0.00004), "-4.00e-5");
});
