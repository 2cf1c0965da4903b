import { existsSync, readFileSync } from "node:fs";

import type { Browser, Page } from "playwright-core";

import { projectEnvironment } from "../runtime/environment";
import { type Figure, PLOTLY_BUNDLE } from "./figure";

/** Debian's Chromium, installed by `scripts/setup.sh`; `CHROMIUM` names another binary. */
export const CHROMIUM = projectEnvironment().chromium;

/** Flags for a headless Chromium on a machine without network: no background connections. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let page: Promise<Page> | undefined;
let browser: Browser | undefined;

/** The plotly.js bundle, read once. */
export function plotlyBundle(): string {
  return readFileSync(PLOTLY_BUNDLE, "utf8");
}

async function openPage(): Promise<Page> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM} to draw the static images of plots: run npm run setup (it installs Debian's chromium), or set CHROMIUM`,
    );
  // Loaded lazily: the CLIs and the server never draw.
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const p = await browser.newPage();
  await p.setContent("<!doctype html><html><body></body></html>");
  await p.addScriptTag({ content: plotlyBundle() });
  return p;
}

/**
 * Draws a plotly figure as a PNG with plotly's own exporter, in a headless Chromium started once
 * per process (Debian's, through playwright-core) and closed with {@link closeRasterizer} or at
 * exit. Width and height in CSS pixels; the image is drawn at twice that for sharp text.
 *
 * @example
 * const png = await figurePng({ data: [{ type: "bar", x: ["a"], y: [1] }] }, 800, 400);
 */
export async function figurePng(fig: Figure, width: number, height: number): Promise<Buffer> {
  page ??= openPage();
  let p: Page;
  try {
    p = await page;
  } catch (err) {
    page = undefined;
    throw err;
  }
  const url = await p.evaluate(
    ({ data, layout, w, h }) =>
      (
        globalThis as unknown as {
          Plotly: { toImage: (f: unknown, o: unknown) => Promise<string> };
        }
      ).Plotly.toImage({ data, layout }, { format: "png", width: w, height: h, scale: 2 }),
    { data: fig.data, layout: fig.layout ?? {}, w: width, h: height },
  );
  return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
}

/** Closes the browser behind {@link figurePng}, if one was started. */
export async function closeRasterizer(): Promise<void> {
  const b = browser;
  page = undefined;
  browser = undefined;
  await b?.close();
}
