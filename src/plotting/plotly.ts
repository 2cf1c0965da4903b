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
 * Shows a figure in a tslab notebook as one self-contained output: an interactive plotly figure
 * with a static PNG inside it and beside it (`image/png`), so the executed notebook shows the
 * figure where scripts do not run, and every output draws on its own (see figureHtml). Await it:
 * the PNG is drawn by headless Chromium. Pass `save` to also write a standalone HTML file.
 *
 * @example
 * await showPlot({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "Counts" } } });
 */
export async function showPlot(fig: Figure, options: { save?: string } = {}): Promise<void> {
  const png = await staticImage(fig);
  const bundle: Record<string, string> = {
    "text/html": figureHtml(fig, png),
    "text/plain": `<figure: ${figureTitle(fig)}>`,
  };
  if (png) bundle["image/png"] = png;
  displayBundle(bundle);
  if (options.save) savePlot(fig, options.save);
}

/**
 * Sends one display output with several MIME types. tslab's public `display` sends one type per
 * output, so this goes through the function it uses itself (`lastWriteDisplayData`), and falls
 * back on `display.html` should that ever be missing.
 */
function displayBundle(bundle: Record<string, string>): void {
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
  display.html(bundle["text/html"]);
}

/** Writes a figure as a standalone HTML page (plotly.js inlined), atomically. */
export function savePlot(fig: Figure, path: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${figureTitle(fig)}</title><script>${plotlyBundle()}</script></head>
<body>${figureHtml(fig, null, "plot")}</body></html>\n`;
  writeFileAtomic(path, html);
}
