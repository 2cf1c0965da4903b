import { randomUUID } from "node:crypto";

/** A plotly figure: traces plus layout, as plotly.js takes them. */
export interface Figure {
  /** The traces (scatter, bar, histogram, heatmap, ...; of the types PLOTLY_BUNDLE draws). */
  data: Record<string, unknown>[];
  /** Layout options: title, axes, size, ... */
  layout?: Record<string, unknown>;
}

/**
 * The plotly.js bundle of every interactive figure and static image: plotly's cartesian
 * distribution, with the trace types of 2-D axes (scatter, bar, histogram, heatmap, box, contour,
 * ...) and none of 3-D, maps or polar plots. It is a fraction of the full bundle's size, so a
 * browser loads it quicker and every HTML report that inlines it is smaller. A figure of another
 * trace type needs the full bundle.
 */
export const PLOTLY_BUNDLE = require.resolve("plotly.js-cartesian-dist-min");

/** Where a live Jupyter server serves plotly.js (scripts/setup.sh installs it as an nbextension). */
export const PLOTLY_NBEXTENSION = "nbextensions/literate-ml-ts/plotly.min.js";

/** Width a figure is drawn at when its layout gives none, in CSS pixels. */
export const DEFAULT_WIDTH = 900;

/** The figure with the project's defaults filled in: margins, height, width, font. */
export function withDefaults(fig: Figure): Required<Figure> & { width: number; height: number } {
  const layout: Record<string, unknown> = {
    margin: { t: 56, r: 24, b: 56, l: 64 },
    font: { size: 13 },
    ...fig.layout,
  };
  const height = typeof layout.height === "number" ? layout.height : 420;
  const width = typeof layout.width === "number" ? layout.width : DEFAULT_WIDTH;
  return { data: fig.data, layout: { ...layout, height }, width, height };
}

/** The figure's title text, or a fallback. */
export function figureTitle(fig: Figure, fallback = "plot"): string {
  const title = fig.layout?.title;
  const text = typeof title === "string" ? title : (title as { text?: string } | undefined)?.text;
  return text ?? fallback;
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * The HTML of one figure output, standing on its own: the static PNG inside a uniquely named
 * element, then a script that swaps in the interactive figure where plotly.js is at hand. It uses
 * `window.Plotly` when the page has it (the HTML reports inline plotly once); on a live Jupyter
 * page it loads plotly.js from the server (one shared request per page); anywhere else (GitHub,
 * VS Code, an untrusted notebook, a sanitiser that drops scripts) the image stays. No output
 * depends on an earlier output or on the kernel's state, so reloads, restarts, cleared outputs and
 * out-of-order runs all draw.
 *
 * @example
 * const html = figureHtml(fig, pngBase64);
 */
export function figureHtml(
  fig: Figure,
  pngBase64: string | null,
  id = `plot-${randomUUID()}`,
): string {
  const f = withDefaults(fig);
  const payload = JSON.stringify({
    data: f.data,
    layout: { ...f.layout, width: undefined },
  }).replace(/</g, "\\u003c");
  const img = pngBase64
    ? `<img src="data:image/png;base64,${pngBase64}" alt="${escapeAttr(figureTitle(fig))}" style="max-width:100%;height:auto">`
    : `<p><em>${escapeAttr(figureTitle(fig))}: interactive figure (needs plotly.js)</em></p>`;
  return `<div class="lmt-plot" id="${id}" style="width:100%;max-width:${f.width}px;min-height:${f.height}px">${img}</div>
<script>(function(){var f=${payload},id="${id}";
function draw(){var el=document.getElementById(id);if(!el||!window.Plotly)return;el.innerHTML="";el.style.height=f.layout.height+"px";window.Plotly.newPlot(el,f.data,f.layout,{responsive:true,displaylogo:false});}
if(window.Plotly){draw();return;}
var base=document.body&&document.body.getAttribute("data-base-url");if(base===null)return;
if(!window.__lmtPlotly){window.__lmtPlotly=fetch(base+"${PLOTLY_NBEXTENSION}").then(function(r){if(!r.ok)throw new Error(r.status);return r.text();}).then(function(t){new Function("define","module","exports",t).call(window);});}
window.__lmtPlotly.then(draw,function(){});})();</script>`;
}
