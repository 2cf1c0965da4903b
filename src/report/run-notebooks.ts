import { readFileSync } from "node:fs";
import { join } from "node:path";

import { executeNotebook, type ExecuteOptions, type NotebookRun } from "./notebooks";

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

/**
 * Executes notebooks (file names in `dir`, in their numbered order), up to `jobs` at once, each as
 * soon as the notebooks it waits for (see {@link notebookPrerequisites}) have run. After a failure
 * no further notebook starts; those running finish. With more than one job, each notebook prints
 * its cells' progress as whole lines (see ExecuteOptions.wholeLines). Resolves with the runs in
 * the order given, those that never started left out. `onStart` and `onDone` see each notebook as
 * it goes.
 *
 * @example
 * const runs = await runNotebooks("notebooks", listNotebooks("notebooks"), { outDir: "outputs" }, 2);
 */
export async function runNotebooks(
  dir: string,
  names: string[],
  options: ExecuteOptions,
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
        onStart(name);
        executeNotebook(join(dir, name), { ...options, wholeLines: jobs > 1 }).then((run) => {
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
