/**
 * `npm run report`: executes every numbered notebook in order and writes the executed notebooks,
 * their HTML reports and `outputs/index.html`. Exits 1 naming the notebook and cell that failed.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { OUTPUTS_DIR, PROJECT_ROOT } from "../io/project-paths";
import { parseCommandLine } from "../runtime/command-line";
import { projectEnvironment } from "../runtime/environment";
import { runMain } from "../runtime/run-main";
import { executeNotebook, listNotebooks, type NotebookRun, renderIndex } from "./notebooks";

const USAGE = `usage: npm run report -- [--quick] [--notebooks DIR] [--out DIR] [NAME_FILTER...]
  --quick        small settings (same as REPORT_QUICK=1), as CI runs them
  --notebooks    folder of NN-*.ipynb notebooks (default notebooks/)
  --out          output folder (default outputs/)
  NAME_FILTER    run only notebooks whose name contains one of these
  --help         this text`;

/** Runs the report command with the given arguments; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: projectEnvironment().quick },
      notebooks: { type: "string", default: join(PROJECT_ROOT, "notebooks") },
      out: { type: "string", default: OUTPUTS_DIR },
    },
  });
  if (!args) return 0;
  const { values, positionals } = args;
  const names = listNotebooks(values.notebooks).filter(
    (n) => positionals.length === 0 || positionals.some((p) => n.includes(p)),
  );
  if (names.length === 0) {
    console.error(`no notebooks to run in ${values.notebooks}`);
    return 1;
  }
  mkdirSync(values.out, { recursive: true });
  const runs: NotebookRun[] = [];
  for (const name of names) {
    console.log(`[report] ${name}${values.quick ? " (quick)" : ""} ...`);
    const run = await executeNotebook(join(values.notebooks, name), {
      outDir: values.out,
      quick: values.quick,
    });
    runs.push(run);
    const reused =
      run.reused > 0
        ? ` (${run.reused} results reused from .cache/results: same data, settings and code; RESULT_CACHE=off recomputes)`
        : "";
    console.log(
      `[report] ${name}: ${run.ok ? "ok" : "FAILED"} in ${run.seconds.toFixed(1)} s${reused}`,
    );
    if (!run.ok) {
      console.error(`[report] ${run.error}`);
      break;
    }
  }
  writeFileAtomic(join(values.out, "index.html"), renderIndex(runs, values.quick));
  const failed = runs.find((r) => !r.ok);
  console.log(`[report] wrote ${join(values.out, "index.html")}`);
  return failed ? 1 : 0;
}

runMain(module, main);
