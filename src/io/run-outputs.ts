import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

import { syncFolder, writeFileDurable } from "./atomic-write";
import { lockModelDir, writeModelFolder } from "./model-folder";
import { processRuns } from "./process-runs";

/** What one run writes: plain files, and model folders (written as {@link writeModelFolder} does). */
export interface RunOutputs {
  /** File name → contents. */
  files: Record<string, string | Uint8Array>;
  /** Folder name → its files. */
  folders: Record<string, Record<string, Uint8Array>>;
}

const STAGING = /^\.staging-(\d+)-\d+$/;

/**
 * Publishes the outputs of one run into `outDir` together: every file and folder is first written
 * in full to a staging folder inside `outDir` (so a full or read-only disk fails the run before any
 * earlier output is touched), then the earlier run's outputs of the same names are moved out and
 * the new ones moved in, by renames within one folder, which need no space and cannot half-happen.
 * The published set is therefore always one run's, never two runs' mixed; a crash in the middle of
 * the renames can leave part of one run, never a mix. Runs publishing into one folder take turns
 * (the lock of the first folder's name, see lockModelDir), and staging folders left by killed runs
 * are removed.
 *
 * @example
 * publishRunOutputs("outputs/particles", {
 *   files: { "5bf4506e86_result.npz": npz, "5bf4506e86_metrics.json": json },
 *   folders: { "5bf4506e86_model": { "model.json": topology, "weights.bin": weights } },
 * });
 */
export function publishRunOutputs(outDir: string, outputs: RunOutputs): void {
  mkdirSync(outDir, { recursive: true });
  removeAbandonedStaging(outDir);
  const staging = join(outDir, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  const release = lockModelDir(join(outDir, Object.keys(outputs.folders)[0] ?? ".outputs"));
  try {
    for (const [name, data] of Object.entries(outputs.files))
      writeFileDurable(join(staging, name), data);
    for (const [name, files] of Object.entries(outputs.folders))
      writeModelFolder(join(staging, name), files);
    syncFolder(staging);
    // What goes in: a model folder's version folders before its link, plain files last.
    const entries = readdirSync(staging).sort((a, b) => rank(staging, a) - rank(staging, b));
    const trash = join(staging, ".previous");
    mkdirSync(trash);
    for (const name of [...Object.keys(outputs.files), ...Object.keys(outputs.folders)])
      moveAway(outDir, name, trash);
    for (const name of entries.filter((e) => e !== ".previous"))
      renameSync(join(staging, name), join(outDir, name));
    syncFolder(outDir);
  } finally {
    release();
    rmSync(staging, { recursive: true, force: true });
  }
}

/** 0 for a version folder, 1 for a link or folder, 2 for a file: the order of moving in. */
function rank(staging: string, name: string): number {
  const stat = lstatSync(join(staging, name));
  if (stat.isSymbolicLink()) return 1;
  return stat.isDirectory() ? (/\.v-\d+-\d+-\d+$/.test(name) ? 0 : 1) : 2;
}

/** Moves `outDir/name` (and the version folder a model link names) into `trash`, if present. */
function moveAway(outDir: string, name: string, trash: string): void {
  const path = join(outDir, name);
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  const target = stat.isSymbolicLink() ? readlinkSync(path) : null;
  renameSync(path, join(trash, name));
  if (target && dirname(target) === "." && existsSync(join(outDir, target)))
    renameSync(join(outDir, target), join(trash, basename(target)));
}

/** Removes the staging folders of runs that no longer run (killed mid-write). */
function removeAbandonedStaging(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const pid = STAGING.exec(name)?.[1];
    if (pid && !processRuns(Number(pid)))
      rmSync(join(outDir, name), { recursive: true, force: true });
  }
}
