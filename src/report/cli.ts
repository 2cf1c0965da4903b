/**
 * `npm run report`: executes every numbered notebook in order and writes the executed notebooks,
 * their HTML reports and `outputs/index.html`. A notebook whose outputs are up to date (same
 * notebook, code, data and settings as the run that wrote them) is not run again unless `--force`.
 * Exits 1 naming the notebook and cell that failed.
 */
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { lockModelDir } from "../io/model-folder";
import { OUTPUTS_DIR, PROJECT_ROOT } from "../io/project-paths";
import { parseCommandLine, wholeNumberOption } from "../runtime/command-line";
import { projectEnvironment } from "../runtime/environment";
import { runMain } from "../runtime/run-main";
import { listNotebooks, renderIndex } from "./notebooks";
import { runNotebooks } from "./run-notebooks";

const USAGE = `usage: npm run report -- [--quick] [--force] [--notebooks DIR] [--out DIR] [--jobs N] [NAME_FILTER...]
  --quick        small settings (same as REPORT_QUICK=1), as CI runs them
  --force        execute every notebook, also those whose outputs are up to date (outputs
                 stamped by a run from the same notebook, src/, package-lock.json, data/,
                 docs/*.json, settings and environment; RESULT_CACHE=off implies it)
  --notebooks    folder of NN-*.ipynb notebooks (default notebooks/)
  --out          output folder (default outputs/), one report in it at a time
  --jobs N       notebooks run at once (default one per core, here ${availableParallelism()}); a
                 notebook whose metadata.report.after names others waits for them
  NAME_FILTER    run only notebooks whose name contains one of these
  --help         this text`;

/** Runs the report command with the given arguments; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: projectEnvironment().quick },
      force: { type: "boolean", default: !projectEnvironment().resultCache },
      notebooks: { type: "string", default: join(PROJECT_ROOT, "notebooks") },
      out: { type: "string", default: OUTPUTS_DIR },
      jobs: { type: "string", default: String(availableParallelism()) },
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
  const jobs = wholeNumberOption("jobs", values.jobs);
  if (jobs < 1) throw new Error(`--jobs must be at least 1, got ${jobs}`);
  mkdirSync(values.out, { recursive: true });
  // One report per output folder (its lock, e.g. outputs.lock, beside it): two would interleave
  // their files and stamps.
  const release = lockModelDir(values.out, "one report per output folder");
  try {
    return await report(values, names, jobs);
  } finally {
    release();
  }
}

/** Runs the notebooks and writes the index, with the output folder locked. */
async function report(
  values: { notebooks: string; out: string; quick: boolean; force: boolean },
  names: string[],
  jobs: number,
): Promise<number> {
  const mode = values.quick ? " (quick)" : "";
  const runs = await runNotebooks(
    values.notebooks,
    names,
    { outDir: values.out, quick: values.quick, skipUpToDate: !values.force },
    jobs,
    (name) => console.log(`[report] ${name}${mode} ...`),
    (run) => {
      if (run.upToDateSince) {
        console.log(
          `[report] ${run.notebook}: up to date (executed ${run.upToDateSince} in ${run.seconds.toFixed(1)} s; inputs unchanged, --force runs it again)`,
        );
        return;
      }
      const reused =
        run.reused > 0
          ? ` (${run.reused} results reused from .cache/results: same data, settings and code; RESULT_CACHE=off recomputes)`
          : "";
      console.log(
        `[report] ${run.notebook}: ${run.ok ? "ok" : "FAILED"} in ${run.seconds.toFixed(1)} s${reused}`,
      );
      if (!run.ok) console.error(`[report] ${run.error}`);
    },
  );
  writeFileAtomic(join(values.out, "index.html"), renderIndex(runs, values.quick));
  const failed = runs.find((r) => !r.ok);
  console.log(`[report] wrote ${join(values.out, "index.html")}`);
  return failed ? 1 : 0;
}

runMain(module, main);
