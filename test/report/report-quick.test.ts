import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { type Browser, chromium, type Page } from "playwright-core";

import { PROJECT_ROOT } from "../../src/io/project-paths";
import { CHROMIUM, CHROMIUM_ARGS } from "../../src/plotting/rasterize";
import { main } from "../../src/report/cli";
import { listNotebooks } from "../../src/report/notebooks";
import { freePort } from "../../src/server/free-port";

// Executes every real notebook on the real tslab kernel in quick mode, as `npm run report -- --quick`,
// then looks at what a reader gets in a real browser: the HTML reports opened from disk, and the
// executed notebooks opened in a live Jupyter server with the project's kernel. SKIP_NOTEBOOKS=1
// skips all of it for a fast unit-only run; REPORT_TEST_OUT=DIR checks the reports already in DIR
// (from `npm run report -- --quick --out DIR`) without running the notebooks again.
const skip = process.env.SKIP_NOTEBOOKS === "1";
const notebooks = listNotebooks(join(PROJECT_ROOT, "notebooks"));
const MAX_BYTES = 8 * 1024 * 1024;
const out = process.env.REPORT_TEST_OUT ?? mkdtempSync(join(tmpdir(), "report-"));
let browser: Browser;

interface PlotState {
  plots: number;
  /** Drawn by plotly.js: interactive. */
  interactive: number;
  /** Showing their static image, loaded. */
  images: number;
}

/** The little of the DOM these checks use (the project compiles without the DOM library). */
interface El {
  querySelector(selector: string): (El & { complete?: boolean; naturalWidth?: number }) | null;
}

/**
 * Counts the page's figures, drawn and not. Runs in the browser, so it is self-contained: called
 * with `true` it answers whether every figure is drawn.
 */
function countPlots(allDrawn: boolean): PlotState | boolean {
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } })
    .document;
  const plots = [...doc.querySelectorAll(".lmt-plot")];
  const interactive = plots.filter((p) => p.querySelector(".main-svg")).length;
  if (allDrawn) return plots.length > 0 && interactive === plots.length;
  const images = plots.filter((p) => {
    const img = p.querySelector("img");
    return img !== null && img.complete === true && (img.naturalWidth ?? 0) > 0;
  }).length;
  return { plots: plots.length, interactive, images };
}

/** Waits until every figure of the page is interactive (or `timeoutMs` passes), then counts. */
async function plotState(
  page: Page,
  wantInteractive: boolean,
  timeoutMs = 60_000,
): Promise<PlotState> {
  if (wantInteractive)
    await page.waitForFunction(countPlots, true, { timeout: timeoutMs }).catch(() => undefined);
  else await page.waitForTimeout(2000);
  return (await page.evaluate(countPlots, false)) as PlotState;
}

describe("notebooks in quick mode, seen in a browser", { skip }, () => {
  before(async () => {
    if (!process.env.REPORT_TEST_OUT) {
      const code = await main(["--quick", "--out", out]);
      assert.equal(code, 0, "a notebook failed: see the [report] lines above");
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  test("every report and executed notebook is under 8 MB, titled by its H1, numbered", () => {
    for (const nb of notebooks) {
      const stem = nb.replace(/\.ipynb$/, "");
      for (const f of [`${stem}.html`, `${stem}.ipynb`])
        assert.ok(
          statSync(join(out, f)).size < MAX_BYTES,
          `${f}: ${statSync(join(out, f)).size} bytes`,
        );
      const source = JSON.parse(readFileSync(join(PROJECT_ROOT, "notebooks", nb), "utf8")) as {
        cells: { source: string[] }[];
      };
      const h1 = /^# (.+)$/m.exec(source.cells[0].source.join(""))![1];
      const html = readFileSync(join(out, `${stem}.html`), "utf8");
      assert.match(html, new RegExp(`<title>${h1.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</title>`));
      assert.match(html, /class="lmt-quick"/, `${nb}: no quick-mode banner`);
      const executed = JSON.parse(readFileSync(join(out, `${stem}.ipynb`), "utf8")) as {
        cells: { cell_type: string; execution_count?: number | null }[];
      };
      const counts = executed.cells
        .filter((c) => c.cell_type === "code")
        .map((c) => c.execution_count);
      assert.deepEqual(
        counts,
        counts.map((_, i) => i + 1),
        `${nb}: execution counts`,
      );
    }
  });

  test("every figure of every HTML report draws, offline, from the file", async () => {
    for (const nb of notebooks) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`file://${join(out, nb.replace(/\.ipynb$/, ".html"))}`);
      const state = await plotState(page, true);
      assert.ok(state.plots > 0, `${nb}: no figure`);
      assert.equal(state.interactive, state.plots, `${nb}: ${JSON.stringify(state)}`);
      assert.deepEqual(errors, [], `${nb}: page errors`);
      await page.close();
    }
  });

  describe("in a live Jupyter server with the project's kernel", () => {
    let server: ChildProcess;
    let base: string;
    const token = "report-test";
    const dir = mkdtempSync(join(tmpdir(), "jupyter-"));
    const env = { ...process.env, JUPYTER_PATH: join(PROJECT_ROOT, ".jupyter") };

    before(async () => {
      for (const nb of notebooks) copyFileSync(join(out, nb), join(dir, nb));
      // A figure's output alone, as a reload after clearing the rest leaves it: the last figure.
      const last = JSON.parse(readFileSync(join(dir, notebooks[notebooks.length - 1]), "utf8")) as {
        cells: { cell_type: string; outputs?: { data?: Record<string, unknown> }[] }[];
      };
      const withPlot = last.cells.filter((c) =>
        (c.outputs ?? []).some((o) => String(o.data?.["text/html"] ?? "").includes("lmt-plot")),
      );
      writeFileSync(
        join(dir, "alone.ipynb"),
        JSON.stringify({ ...last, cells: withPlot.slice(-1) }),
      );
      // Trust goes by content: the untrusted copy differs from the signed notebook by one field.
      const first = JSON.parse(readFileSync(join(dir, notebooks[0]), "utf8")) as {
        metadata: Record<string, unknown>;
      };
      writeFileSync(
        join(dir, "untrusted.ipynb"),
        JSON.stringify({ ...first, metadata: { ...first.metadata, downloaded: true } }),
      );
      // Trusted as the notebooks a user runs are; untrusted.ipynb stays as a download would be.
      const names = [...notebooks, "alone.ipynb"].map((n) => join(dir, n));
      const trust = spawnSync(
        "/usr/bin/python3",
        [
          "-c",
          "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nfor p in sys.argv[1:]:\n    nb = nbformat.read(p, 4)\n    NotebookNotary().sign(nb)\n    nbformat.write(nb, p)",
          ...names,
        ],
        { env, encoding: "utf8" },
      );
      assert.equal(trust.status, 0, trust.stderr);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = spawn(
        "/usr/bin/jupyter",
        [
          "notebook",
          "--no-browser",
          "--ip=127.0.0.1",
          `--port=${port}`,
          `--NotebookApp.token=${token}`,
          `--notebook-dir=${dir}`,
          ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
        ],
        { env, stdio: "ignore" },
      );
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (
          await fetch(`${base}/api/status?token=${token}`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return;
        await new Promise((r) => setTimeout(r, 300));
      }
      throw new Error("the Jupyter server did not start");
    });
    after(() => {
      server?.kill("SIGTERM");
    });

    const open = async (name: string, interactive: boolean): Promise<PlotState> => {
      const page = await browser.newPage();
      await page.goto(`${base}/notebooks/${name}?token=${token}`);
      await page.waitForSelector(".lmt-plot", { timeout: 60_000 });
      const state = await plotState(page, interactive);
      await page.close();
      return state;
    };

    test("every figure of every executed notebook draws interactively", async () => {
      for (const nb of notebooks) {
        const state = await open(nb, true);
        assert.ok(state.plots > 0, `${nb}: no figure`);
        assert.equal(state.interactive, state.plots, `${nb}: ${JSON.stringify(state)}`);
      }
    });

    test("a figure's output alone on a page draws (nothing depends on an earlier output)", async () => {
      const state = await open("alone.ipynb", true);
      assert.deepEqual([state.plots, state.interactive], [1, 1], JSON.stringify(state));
    });

    test("untrusted, scripts do not run, and every figure shows its static image", async () => {
      const state = await open("untrusted.ipynb", false);
      assert.ok(state.plots > 0);
      assert.equal(state.interactive, 0, JSON.stringify(state));
      assert.equal(state.images, state.plots, JSON.stringify(state));
    });
  });
});
