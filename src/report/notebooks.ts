import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { REUSED_MARK } from "../io/cached-result";
import { PROJECT_ROOT } from "../io/project-paths";
import { PLOTLY_BUNDLE } from "../plotting/figure";
import { projectEnvironment } from "../runtime/environment";

/** Name of the generated project-local tslab kernel spec (see scripts/setup.sh). */
export const KERNEL_NAME = "literate-ml-ts";

/** What running one notebook produced. */
export interface NotebookRun {
  /** Notebook file name, e.g. `01-ratings-eda.ipynb`. */
  notebook: string;
  /** True when every cell ran. */
  ok: boolean;
  /** Wall time in seconds. */
  seconds: number;
  /** Executed notebook written to the output folder. */
  ipynb: string;
  /** HTML report written to the output folder. */
  html: string;
  /** The failure message naming notebook and cell, when `ok` is false. */
  error?: string;
  /** How many results the notebook read back from the result cache instead of computing. */
  reused: number;
  /**
   * SHA-256 of the executed notebook and the HTML report as this run wrote them, when it wrote
   * both (what the up-to-date stamp records).
   */
  written?: { ipynb: string; html: string };
  /**
   * Set when the notebook did not run because its outputs were up to date: when the run that
   * wrote them happened (ISO 8601); `seconds` and `reused` are then that run's.
   */
  upToDateSince?: string;
}

/**
 * Where {@link executeNotebook} writes a notebook's executed copy and HTML report.
 *
 * @example
 * notebookOutputs("01-ratings-eda.ipynb", "outputs"); // { ipynb: "outputs/01-ratings-eda.ipynb", html: "outputs/01-ratings-eda.html" }
 */
export function notebookOutputs(name: string, outDir: string): { ipynb: string; html: string } {
  const stem = (name.split("/").pop() ?? name).replace(/\.ipynb$/, "");
  return { ipynb: join(outDir, `${stem}.ipynb`), html: join(outDir, `${stem}.html`) };
}

/** Counts the reuse messages of the result cache in an executed notebook's outputs. */
export function countReused(ipynbPath: string): number {
  try {
    return readFileSync(ipynbPath, "utf8").split(REUSED_MARK).length - 1;
  } catch {
    return 0;
  }
}

/** Lists `NN-*.ipynb` notebooks of a folder in their numbered order. */
export function listNotebooks(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`notebook folder not found: ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^\d{2}-.*\.ipynb$/.test(f))
    .sort();
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Folder for the executed notebook and its HTML report. */
  outDir: string;
  /** Run the notebook's small settings (sets REPORT_QUICK=1 for the kernel). */
  quick?: boolean;
  /** Seconds a single cell may take. */
  cellTimeout?: number;
  /**
   * Print each cell's progress as whole lines (a line when it starts, one when it ends), for
   * notebooks that share a console; otherwise one line per cell, completed when it ends.
   */
  wholeLines?: boolean;
}

/**
 * Executes one notebook on the project's tslab kernel through nbclient, writing
 * `<name>.ipynb` and `<name>.html` to `outDir`; resolves with the outcome, never throws for a
 * failing cell.
 *
 * @example
 * const run = await executeNotebook("notebooks/01-ratings-eda.ipynb", { outDir: "outputs" });
 */
export function executeNotebook(path: string, options: ExecuteOptions): Promise<NotebookRun> {
  const name = path.split("/").pop() ?? path;
  const quick = options.quick ?? projectEnvironment().quick;
  const { ipynb, html } = notebookOutputs(name, options.outDir);
  const scratch = mkdtempSync(join(tmpdir(), "notebook-run-"));
  const digests = join(scratch, "digests.json");
  const args = [
    join(PROJECT_ROOT, "scripts", "execute_notebook.py"),
    path,
    ipynb,
    html,
    "--kernel",
    KERNEL_NAME,
    "--timeout",
    String(options.cellTimeout ?? 3600),
    "--plotly",
    PLOTLY_BUNDLE,
    ...(quick ? ["--quick"] : []),
    ...(options.wholeLines ? ["--whole-lines"] : []),
    "--digests",
    digests,
  ];
  const env = {
    ...process.env,
    JUPYTER_PATH: join(PROJECT_ROOT, ".jupyter"),
    REPORT_QUICK: quick ? "1" : "",
  };
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn("/usr/bin/python3", args, { env, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (err) => {
      rmSync(scratch, { recursive: true, force: true });
      reject(err);
    });
    child.on("close", (code) => {
      const seconds = (Date.now() - started) / 1000;
      const ok = code === 0;
      const error = ok ? undefined : stderr.trim() || `exit code ${code}`;
      const reused = ok ? countReused(ipynb) : 0;
      const written = readDigests(digests);
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise({ notebook: name, ok, seconds, ipynb, html, error, reused, written });
    });
  });
}

/** The digests execute_notebook.py wrote, or undefined when it wrote none. */
function readDigests(path: string): NotebookRun["written"] {
  try {
    const d = JSON.parse(readFileSync(path, "utf8")) as { ipynb?: unknown; html?: unknown };
    return typeof d.ipynb === "string" && typeof d.html === "string"
      ? { ipynb: d.ipynb, html: d.html }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Renders the `index.html` that links every notebook report with its status and time. */
export function renderIndex(runs: NotebookRun[], quick: boolean): string {
  const rows = runs
    .map((r) => {
      const file = r.html.split("/").pop() ?? r.html;
      const status = r.ok ? "ok" : "FAILED";
      const cached = r.upToDateSince
        ? `up to date: inputs unchanged since ${r.upToDateSince}`
        : r.reused > 0
          ? `${r.reused} reused from .cache/results`
          : "computed";
      return `<tr><td><a href="${file}">${r.notebook}</a></td><td>${status}</td><td>${r.seconds.toFixed(1)} s</td><td>${cached}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>literate-ml-ts reports</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}td,th{padding:.3em 1em;text-align:left}</style>
</head><body>
<h1>literate-ml-ts reports</h1>
<p>Executed notebooks${quick ? " (quick mode: small settings)" : ""}, generated ${new Date().toISOString()}.</p>
<table><tr><th>notebook</th><th>status</th><th>time</th><th>results</th></tr>
${rows}
</table></body></html>
`;
}
