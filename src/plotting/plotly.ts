import type * as Tslab from "tslab";

import { writeFileAtomic } from "../io/atomic-write";
import { type Figure, figureHtml, figureTitle, withDefaults } from "./figure";
import { figurePng, plotlyBundle } from "./rasterize";

export type { Figure } from "./figure";

let warned = false;

/** The static PNG of a figure as base64, or null (said once on stderr) when no browser can draw it. */
async function staticImage(fig: Figure): Promise<string | null> {
  const f = withDefaults(fig);
  try {
    return (await figurePng(f, f.width, f.height)).toString("base64");
  } catch (err) {
    if (!warned) console.error(`plots: no static images (${(err as Error).message})`);
    warned = true;
    return null;
  }
}

/**
 * The MIME bundle of one figure output: the interactive figure with its static PNG inside
 * (`text/html`, what Jupyter Notebook and nbconvert's HTML reports show), the PNG beside it
 * (`image/png`, for viewers that run no scripts), the figure as plotly JSON
 * (`application/vnd.plotly.v1+json`, which JupyterLab and VS Code draw natively) and a text line.
 *
 * @example
 * figureBundle({ data: [{ type: "bar", y: [1, 2] }] }, null)["application/vnd.plotly.v1+json"];
 */
export function figureBundle(fig: Figure, png: string | null): Record<string, unknown> {
  const f = withDefaults(fig);
  return {
    "text/html": figureHtml(fig, png),
    "application/vnd.plotly.v1+json": { data: f.data, layout: f.layout },
    ...(png ? { "image/png": png } : {}),
    "text/plain": `<figure: ${figureTitle(fig)}>`,
  };
}

/**
 * Shows a figure in a tslab notebook as one self-contained output (see {@link figureBundle}), so
 * the executed notebook shows the figure where scripts do not run, and every output draws on its
 * own (see figureHtml). Await it: the PNG is drawn by headless Chromium. Pass `save` to also write
 * a standalone HTML file.
 *
 * @example
 * await showPlot({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "Counts" } } });
 */
export async function showPlot(fig: Figure, options: { save?: string } = {}): Promise<void> {
  displayBundle(figureBundle(fig, await staticImage(fig)));
  if (options.save) savePlot(fig, options.save);
}

/**
 * Sends one display output with several MIME types. tslab's public `display` sends one type per
 * output, so this goes through the function it uses itself (`lastWriteDisplayData`), and falls
 * back on `display.html` should that ever be missing.
 */
function displayBundle(bundle: Record<string, unknown>): void {
  // tslab exists only inside the kernel: loaded lazily so that the CLI and tests can import this.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const jupyter = require("tslab/dist/jupyter") as {
    lastWriteDisplayData?: (data: unknown, update: boolean) => void;
  };
  if (jupyter.lastWriteDisplayData) {
    jupyter.lastWriteDisplayData({ data: bundle, metadata: {}, transient: {} }, false);
    return;
  }
  const { display } = require("tslab") as typeof Tslab;
  /* eslint-enable @typescript-eslint/no-require-imports */
  display.html(bundle["text/html"] as string);
}

/** Writes a figure as a standalone HTML page (plotly.js inlined), atomically. */
export function savePlot(fig: Figure, path: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${figureTitle(fig)}</title><script>${plotlyBundle()}</script></head>
<body>${figureHtml(fig, null, "plot")}</body></html>\n`;
  writeFileAtomic(path, html);
}
