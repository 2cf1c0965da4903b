import { readFileSync } from "node:fs";

import type * as Tslab from "tslab";

import { writeFileAtomic } from "../io/atomic-write";

/** A plotly figure: traces plus layout, as plotly.js takes them. */
export interface Figure {
  /** The traces (scatter, bar, histogram, heatmap, ...). */
  data: Record<string, unknown>[];
  /** Layout options: title, axes, size, ... */
  layout?: Record<string, unknown>;
}

let bundle: string | undefined;
let bundleShown = false;
let plotCounter = 0;

/** The plotly.js bundle as a `<script>` tag, guarded so that an AMD loader on the page is ignored. */
function bundleScript(): string {
  bundle ??= readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  // Classic Jupyter pages load require.js; hiding define/module/exports makes the UMD bundle
  // set window.Plotly in every host (notebook, nbconvert HTML, standalone file).
  return `<script>(function(define, module, exports){\n${bundle}\n}).call(window);</script>`;
}

/** HTML that draws the figure into a fresh div once `window.Plotly` exists. */
export function figureHtml(fig: Figure, id = `plot-${++plotCounter}`): string {
  const layout: Record<string, unknown> = { margin: { t: 48, r: 16, b: 48, l: 56 }, ...fig.layout };
  const height = typeof layout.height === "number" ? layout.height : 420;
  const payload = JSON.stringify({ data: fig.data, layout }).replace(/</g, "\\u003c");
  return `<div id="${id}" style="width:100%;height:${height}px"></div>
<script>(function(){var f=${payload};function draw(){window.Plotly.newPlot("${id}",f.data,f.layout,{responsive:true,displaylogo:false});}
if(window.Plotly){draw();}else{window.addEventListener("load",draw);}})();</script>`;
}

/**
 * Shows a figure inline in a tslab notebook. The plotly.js bundle is embedded with the first
 * figure of the notebook only, so the saved notebook and its HTML report render offline.
 * Pass `save` to also write the figure as a standalone HTML file.
 *
 * @example
 * showPlot({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "Counts" } } });
 */
export function showPlot(fig: Figure, options: { save?: string } = {}): void {
  // tslab's display exists only inside the kernel; load it lazily so that importing this module
  // from the CLI or tests does not need a kernel.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { display } = require("tslab") as typeof Tslab;
  const prefix = bundleShown ? "" : bundleScript();
  bundleShown = true;
  display.html(prefix + figureHtml(fig));
  if (options.save) savePlot(fig, options.save);
}

/** Writes a figure as a standalone HTML page (plotly.js inlined), atomically. */
export function savePlot(fig: Figure, path: string): void {
  const title = String((fig.layout?.title as { text?: string } | undefined)?.text ?? "plot");
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${bundleScript()}</head>
<body>${figureHtml(fig, "plot")}</body></html>\n`;
  writeFileAtomic(path, html);
}
