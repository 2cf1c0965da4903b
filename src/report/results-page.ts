import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { PROJECT_ROOT } from "../io/project-paths";

/** Where benchmarks write their results pages. */
export const RESULTS_DIR = join(PROJECT_ROOT, "docs", "results");

/** One table of a results page: column heads and rows of cells, already formatted. */
export interface ResultsTable {
  caption?: string;
  columns: string[];
  rows: (string | number)[][];
}

/** A page of measured results, as a benchmark writes it. */
export interface ResultsPage {
  title: string;
  /** What the numbers measure and how, in a sentence or two. */
  about: string;
  /** The command that wrote the page (the benchmark that measured them), as a user types it. */
  command: string;
  tables: ResultsTable[];
  /** Lines after the tables (a summary the benchmark computed). */
  notes?: string[];
}

/**
 * Where and when a measurement ran: the date, the machine (processor, cores, memory, Node) and the
 * commit, marked when the working tree had uncommitted changes.
 *
 * @example
 * measuredOn(); // "2026-12-06, Intel Xeon …, 2 cores, 24 GiB, Node v20.20.2, commit 1a2b3c4"
 */
export function measuredOn(): string {
  const git = (...args: string[]): string =>
    spawnSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const commit = git("rev-parse", "--short", "HEAD") || "unknown";
  // Changes to the code, not to docs/, where the benchmarks write their own pages and figures.
  const dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs")
    ? " with uncommitted changes"
    : "";
  const cpu = cpus();
  return [
    new Date().toISOString().slice(0, 10),
    `${cpu[0]?.model.trim() ?? "unknown processor"}, ${cpu.length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB`,
    `Node ${process.version}`,
    `commit ${commit}${dirty}`,
  ].join("; ");
}

/** A markdown table of `table`, cells escaped for pipes. */
export function markdownTable(table: ResultsTable): string {
  const cell = (c: string | number): string => String(c).replace(/\|/g, "\\|");
  return [
    `| ${table.columns.map(cell).join(" | ")} |`,
    `| ${table.columns.map(() => "---").join(" | ")} |`,
    ...table.rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/**
 * Writes a benchmark's results page to `docs/results/<name>.md`: title, what it measures, the
 * command, date, machine and commit, then the tables. The pages are written only by the benchmarks
 * that measure them, never by hand, so that a number in `docs/` always says where it came from.
 *
 * @example
 * writeResultsPage("rating-scale", { title: "…", about: "…", command: "npm run bench:scale", tables });
 */
export function writeResultsPage(name: string, page: ResultsPage): string {
  const path = join(RESULTS_DIR, `${name}.md`);
  const text = [
    `# ${page.title}`,
    "",
    page.about,
    "",
    `Written by \`${page.command}\` (${measuredOn()}); rerun it to update this page, which is not edited by hand.`,
    "",
    ...page.tables.flatMap((t) => [...(t.caption ? [t.caption, ""] : []), markdownTable(t), ""]),
    ...(page.notes ?? []).flatMap((n) => [n, ""]),
  ].join("\n");
  writeFileAtomic(path, text.trimEnd() + "\n");
  return path;
}
