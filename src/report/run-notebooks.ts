import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { projectEnvironment } from "../runtime/environment";
import {
  executeNotebook,
  type ExecuteOptions,
  notebookOutputs,
  type NotebookRun,
} from "./notebooks";
import {
  notebookInputDigest,
  removeStamp,
  sharedInputDigest,
  upToDateStamp,
  writeStamp,
} from "./up-to-date";

/**
 * The notebooks a notebook must wait for: its metadata's `report.after`, file names of earlier
 * notebooks whose results it reads (notebook 03 reads the overview embeddings notebook 02 computes
 * and caches). A notebook without that key depends on none. Throws naming the notebook when the key
 * is not a list of names.
 *
 * @example
 * notebookPrerequisites("notebooks/03-cold-start-rating-model.ipynb"); // ["02-overview-embeddings.ipynb"]
 */
export function notebookPrerequisites(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { metadata?: { report?: unknown } };
  const after = (nb.metadata?.report as { after?: unknown } | undefined)?.after ?? [];
  if (!Array.isArray(after) || after.some((a) => typeof a !== "string"))
    throw new Error(`${path}: metadata.report.after must be a list of notebook file names`);
  return after as string[];
}

/** Options of {@link runNotebooks}. */
export interface RunOptions extends ExecuteOptions {
  /**
   * Skip a notebook whose outputs are up to date: stamped by a successful run from the same
   * notebook, code, data, settings and prerequisites (see `up-to-date.ts`), and unchanged since.
   * Every run that succeeds stamps its outputs either way.
   */
  skipUpToDate?: boolean;
}

/**
 * Executes notebooks (file names in `dir`, in their numbered order), up to `jobs` at once, each as
 * soon as the notebooks it waits for (see {@link notebookPrerequisites}) have run. After a failure
 * no further notebook starts; those running finish. With more than one job, each notebook prints
 * its cells' progress as whole lines (see ExecuteOptions.wholeLines). Resolves with the runs in
 * the order given, those that never started left out. `onStart` and `onDone` see each notebook as
 * it goes; a notebook skipped as up to date (`options.skipUpToDate`) is only done.
 *
 * @example
 * const runs = await runNotebooks("notebooks", listNotebooks("notebooks"), { outDir: "outputs" }, 2);
 */
export async function runNotebooks(
  dir: string,
  names: string[],
  options: RunOptions,
  jobs: number,
  onStart: (name: string) => void = () => {},
  onDone: (run: NotebookRun) => void = () => {},
): Promise<NotebookRun[]> {
  // A prerequisite left out of `names` (a NAME_FILTER) is not waited for: the notebook then
  // computes what it reads itself.
  const waitsFor = new Map(
    names.map((n) => [n, notebookPrerequisites(join(dir, n)).filter((a) => names.includes(a))]),
  );
  for (const [name, after] of waitsFor)
    for (const a of after)
      if (names.indexOf(a) > names.indexOf(name) || a === name)
        throw new Error(`${name}: metadata.report.after names ${a}, which runs after it`);
  const inputs = inputDigests(dir, names, options.quick ?? projectEnvironment().quick);
  const runOne = async (name: string): Promise<NotebookRun> => {
    const { ipynb, html } = notebookOutputs(name, options.outDir);
    const key = inputs.get(name)!;
    const stamp = options.skipUpToDate ? upToDateStamp(ipynb, html, key) : undefined;
    if (stamp) {
      const { seconds, reused, executedAt } = stamp;
      return { notebook: name, ok: true, seconds, ipynb, html, reused, upToDateSince: executedAt };
    }
    onStart(name);
    removeStamp(ipynb);
    const run = await executeNotebook(join(dir, name), { ...options, wholeLines: jobs > 1 });
    if (run.ok) writeStamp(run, key);
    return run;
  };
  const runs = new Map<string, NotebookRun>();
  const pending = [...names];
  let running = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const ready = (n: string) => waitsFor.get(n)!.every((a) => runs.get(a)?.ok === true);
    const pump = (): void => {
      while (!failed && running < jobs) {
        const next = pending.findIndex(ready);
        if (next < 0) break;
        const [name] = pending.splice(next, 1);
        running++;
        runOne(name).then((run) => {
          running--;
          runs.set(name, run);
          failed ||= !run.ok;
          onDone(run);
          pump();
        }, reject);
      }
      if (running === 0) resolve(names.filter((n) => runs.has(n)).map((n) => runs.get(n)!));
    };
    pump();
  });
}

/**
 * Each notebook's input digest ({@link notebookInputDigest}) for quick or full settings, over its
 * prerequisites' digests whether or not they run this time, so that a filtered run and a full one
 * agree. Only earlier notebooks count as prerequisites here (runNotebooks rejects others).
 */
function inputDigests(dir: string, names: string[], quick: boolean): Map<string, string> {
  const shared = sharedInputDigest({ ...process.env, REPORT_QUICK: quick ? "1" : "0" });
  const digests = new Map<string, string>();
  const digestOf = (name: string): string => {
    const path = join(dir, name);
    if (!existsSync(path)) return `missing ${name}`;
    if (!digests.has(name))
      digests.set(
        name,
        notebookInputDigest(
          path,
          shared,
          notebookPrerequisites(path)
            .filter((a) => a < name)
            .map(digestOf),
        ),
      );
    return digests.get(name)!;
  };
  names.forEach(digestOf);
  return digests;
}
