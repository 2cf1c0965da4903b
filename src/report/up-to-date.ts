import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { DEFAULT_EMBEDDING_MODEL } from "../embeddings/embedding-model-choice";
import { writeFileAtomic } from "../io/atomic-write";
import { sourceDigest } from "../io/cached-result";
import { filesUnder } from "../io/files-under";
import { DATA_DIR, DOCS_DIR, MODEL_CACHE_DIR, PROJECT_ROOT } from "../io/project-paths";
import { projectEnvironment } from "../runtime/environment";
import type { NotebookRun } from "./notebooks";

/**
 * What a notebook's outputs were made from, besides the notebook itself: the project's code and
 * library versions ({@link sourceDigest}), the scripts that run a notebook, every byte of `data/`
 * and of the JSON tables in `docs/` (benchmark results notebook 04 shows), which model files are
 * at hand (names and sizes of a local copy of distilbert-base-uncased and of an `EMBEDDING_MODEL`
 * folder; the generated test model follows from the code), the project's environment variables,
 * and Node's version. Computed once per report.
 *
 * @example
 * const shared = sharedInputDigest(); // "9f2c…", 64 hex digits
 */
export function sharedInputDigest(
  env: NodeJS.ProcessEnv = process.env,
  folders: { data: string; docs: string } = { data: DATA_DIR, docs: DOCS_DIR },
): string {
  const hash = createHash("sha256");
  const add = (label: string, data: string | Uint8Array) =>
    hash.update(label).update("\0").update(data).update("\0");
  add("code", sourceDigest());
  for (const script of ["execute_notebook.py", "kernel-launch.sh"])
    add(script, readFileSync(join(PROJECT_ROOT, "scripts", script)));
  add("tsconfig", readFileSync(join(PROJECT_ROOT, "tsconfig.json")));
  // The data, and the measured tables in docs/ that notebooks read (notebook 04 shows
  // bench:generality's): a benchmark rerun makes the notebooks that show it run again.
  const tables = filesUnder(folders.docs).filter((f) => f.endsWith(".json"));
  for (const file of [...filesUnder(folders.data), ...tables])
    add(relative(PROJECT_ROOT, file), readFileSync(file));
  const settings = projectEnvironment(env);
  const modelFolders = [
    join(MODEL_CACHE_DIR, DEFAULT_EMBEDDING_MODEL),
    join(MODEL_CACHE_DIR, "hub", DEFAULT_EMBEDDING_MODEL),
  ];
  if (settings.embeddingModel && existsSync(settings.embeddingModel))
    modelFolders.push(resolve(settings.embeddingModel));
  for (const file of modelFolders.flatMap((d) => filesUnder(d)))
    add(`model file ${relative(PROJECT_ROOT, file)}`, String(statSync(file).size));
  add("environment", JSON.stringify({ ...settings, node: process.version, arch: process.arch }));
  return hash.digest("hex");
}

/**
 * The digest a notebook's outputs are stamped with: its own bytes, the shared inputs
 * ({@link sharedInputDigest}) and the digests of the notebooks it waits for, so that a notebook
 * reading another's results runs again whenever that one does.
 *
 * @example
 * const key = notebookInputDigest("notebooks/03-cold-start-rating-model.ipynb", shared, [key02]);
 */
export function notebookInputDigest(
  path: string,
  shared: string,
  prerequisites: readonly string[],
): string {
  const hash = createHash("sha256").update(shared).update("\0").update(readFileSync(path));
  for (const p of prerequisites) hash.update("\0").update(p);
  return hash.digest("hex");
}

/** What the stamp beside a notebook's outputs records of the run that wrote them. */
export interface NotebookStamp {
  /** Notebook file name. */
  notebook: string;
  /** {@link notebookInputDigest} of the run. */
  inputs: string;
  /** When it ran, ISO 8601. */
  executedAt: string;
  /** Its wall time in seconds. */
  seconds: number;
  /** Results it read back from the result cache. */
  reused: number;
  /** SHA-256 of the executed notebook and of the HTML report it wrote. */
  ipynb: string;
  html: string;
}

/**
 * The stamp file of a notebook's outputs, e.g. `outputs/01-ratings-eda.stamp.json`.
 *
 * @example
 * stampPath("outputs/01-ratings-eda.ipynb"); // "outputs/01-ratings-eda.stamp.json"
 */
export function stampPath(ipynb: string): string {
  return ipynb.replace(/\.ipynb$/, ".stamp.json");
}

function fileDigest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * The stamp of outputs that are up to date: written by a successful run from the same inputs,
 * and the executed notebook and HTML report still as that run left them. Undefined otherwise,
 * including when the stamp or an output is missing or cannot be read, or the stamp lacks a field
 * (the notebook then runs).
 *
 * @example
 * upToDateStamp("outputs/01-ratings-eda.ipynb", "outputs/01-ratings-eda.html", key)?.seconds;
 */
export function upToDateStamp(
  ipynb: string,
  html: string,
  inputs: string,
): NotebookStamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(ipynb), "utf8")) as NotebookStamp;
    const fresh =
      typeof stamp.seconds === "number" &&
      typeof stamp.reused === "number" &&
      typeof stamp.executedAt === "string" &&
      stamp.inputs === inputs &&
      stamp.ipynb === fileDigest(ipynb) &&
      stamp.html === fileDigest(html);
    return fresh ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a notebook's stamp, before it runs: outputs being rewritten are not up to date.
 */
export function removeStamp(ipynb: string): void {
  rmSync(stampPath(ipynb), { force: true });
}

/**
 * Stamps the outputs of a successful run with its inputs (written atomically, after them): the
 * digests of the files as the run wrote them (see NotebookRun.written), so that outputs another
 * run has replaced since never pass for this run's. Writes nothing without them.
 *
 * @example
 * writeStamp(run, key);
 */
export function writeStamp(
  run: Pick<NotebookRun, "notebook" | "ipynb" | "seconds" | "reused" | "written">,
  inputs: string,
): void {
  const written = run.written;
  if (!written) return;
  const stamp: NotebookStamp = {
    notebook: run.notebook,
    inputs,
    executedAt: new Date().toISOString(),
    seconds: run.seconds,
    reused: run.reused,
    ...written,
  };
  writeFileAtomic(stampPath(run.ipynb), JSON.stringify(stamp, null, 2) + "\n");
}
