import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

import { syncFolder, writeFileDurable } from "./atomic-write";
import { processRuns } from "./process-runs";

/** Raised when a model folder is missing, damaged, of another format, or cannot be written. */
export class ModelFilesError extends Error {
  override name = "ModelFilesError";
  /** The file-system error code behind a failed save (`ENOSPC`, `EROFS`, ...), when there is one. */
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Version of the folder layout written by {@link writeModelFolder}: a folder of another version is
 * refused with both versions named. 2: `checksums.json` covers every file, metadata included.
 */
export const MODEL_FOLDER_FORMAT = 2;

/** Marks a version folder as written by {@link writeModelFolder}: only those are ever removed. */
const MARKER = ".model-folder";
const CHECKSUMS = "checksums.json";

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const versionPattern = (home: string): RegExp =>
  new RegExp(`^${escapeRe(basename(home))}\\.v-\\d+-\\d+-\\d+$`);
const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};
const sameFolder = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/**
 * Where a model folder really lives: `dir` itself, or, when `dir` is a link that a user made to a
 * folder elsewhere (another volume, say), the end of that chain of links. Saves go there, so a link
 * to another volume stays a link to it.
 */
export function modelHome(dir: string): string {
  let home = resolve(dir);
  for (let hops = 0; hops < 16; hops++) {
    if (!isLink(home)) return home;
    const target = resolve(dirname(home), readlinkSync(home));
    if (versionPattern(home).test(basename(target)) && sameFolder(dirname(target), dirname(home)))
      return home;
    home = target;
  }
  throw new ModelFilesError(`${dir}: more than 16 links in a chain`);
}

/** This module's version folders beside `home`, oldest first. */
function versionsOf(home: string): string[] {
  const parent = dirname(home);
  if (!existsSync(parent)) return [];
  const pattern = versionPattern(home);
  return readdirSync(parent)
    .filter((f) => pattern.test(f) && existsSync(join(parent, f, MARKER)))
    .sort((a, b) => versionStamp(a) - versionStamp(b) || a.localeCompare(b))
    .map((f) => join(parent, f));
}
const versionStamp = (name: string): number => parseInt(name.split(".v-").pop() ?? "0", 10);

/** True when a version folder was written to the end: its checksums file comes last. */
const isComplete = (version: string): boolean => existsSync(join(version, CHECKSUMS));

/**
 * Brings a model folder written by {@link writeModelFolder} back to a clean state after a crash at
 * any point of a save: `dir` names the complete version it named before the crash, or the newest
 * complete version when the link itself was lost; this module's other versions (folders with its
 * name pattern and its marker file) and stray links are removed. Nothing else is touched: a folder
 * of the user's beside it, whatever its name, stays. Returns whether a model is there.
 *
 * @example
 * if (recoverModelDir("models/ratings")) model = await RatingModel.load("models/ratings", ctx);
 */
export function recoverModelDir(dir: string): boolean {
  const home = modelHome(dir);
  const parent = dirname(home);
  if (!existsSync(parent)) return false;
  const stray = new RegExp(`^${escapeRe(basename(home))}\\.link-\\d+$`);
  for (const f of readdirSync(parent))
    if (stray.test(f) && isLink(join(parent, f))) rmSync(join(parent, f), { force: true });
  if (isLink(home) && !existsSync(home)) rmSync(home, { force: true }); // a link to nothing
  if (!existsSync(home) && !isLink(home)) {
    const newest = versionsOf(home).filter(isComplete).pop();
    if (newest) {
      symlinkSync(basename(newest), home);
      syncFolder(parent);
    }
  }
  const kept = isLink(home) ? realpathSync(home) : null;
  for (const v of versionsOf(home))
    if (realpathSync(v) !== kept) rmSync(v, { recursive: true, force: true });
  return existsSync(home);
}

/**
 * Writes a model's files as one folder so that a crash, a full disk or a read-only disk at any
 * instant leaves either the previous model or the new one, never none and never half of one. Each
 * save writes a new version folder beside `dir` (`<dir>.v-<stamp>-<pid>-<n>`), every byte checked
 * and flushed (see writeFileDurable), then `checksums.json` (sha256 of every file, and the format
 * version) last, then reads every file back against its checksum, and only then swaps the link
 * `dir` to it with one atomic rename and removes the old version. Any failure removes the new
 * version and throws a {@link ModelFilesError} carrying the file-system error code; the previous
 * model stays as it was. Saves from several processes are serialised by {@link lockModelDir}.
 *
 * @example
 * writeModelFolder("outputs/particles/5bf4506e86_model", { "weights.bin": bytes, "metadata.json": json });
 */
export function writeModelFolder(dir: string, files: Record<string, Uint8Array>): void {
  const home = modelHome(dir);
  const parent = dirname(home);
  let version: string | null = null;
  let release = (): void => {};
  const link = join(parent, `${basename(home)}.link-${process.pid}`);
  try {
    mkdirSync(parent, { recursive: true });
    release = lockModelDir(dir);
    recoverModelDir(home);
    if (existsSync(home) && !isLink(home)) {
      if (readdirSync(home).length > 0)
        throw new ModelFilesError(
          `${dir} is a folder that was not written by this program; move it away or choose another folder`,
        );
      rmdirSync(home); // an empty folder made by hand: the link takes its place
    }
    version = join(parent, `${basename(home)}.v-${Date.now()}-${process.pid}-${++saves}`);
    mkdirSync(version);
    writeFileDurable(join(version, MARKER), `${basename(home)}\n`);
    const sums: Record<string, string> = {};
    for (const [name, data] of Object.entries(files)) {
      writeFileDurable(join(version, name), data);
      sums[name] = sha256(data);
    }
    const checksums = { format: MODEL_FOLDER_FORMAT, sha256: sums };
    writeFileDurable(join(version, CHECKSUMS), JSON.stringify(checksums, null, 2) + "\n");
    syncFolder(version);
    for (const [name, sum] of Object.entries(sums))
      if (sha256(readFileSync(join(version, name))) !== sum)
        throw new ModelFilesError(`${dir}: ${name} did not read back as written`);
    rmSync(link, { force: true });
    symlinkSync(basename(version), link);
    renameSync(link, home);
    syncFolder(parent);
    version = null; // it is the model now
    recoverModelDir(home);
  } catch (err) {
    rmSync(link, { force: true });
    if (version) rmSync(version, { recursive: true, force: true });
    if (err instanceof ModelFilesError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ModelFilesError(
      `could not save the model in ${dir} (${e.code ?? "error"}: ${saveProblem(e.code)})`,
      e.code,
    );
  } finally {
    release();
  }
}
let saves = 0;

/** A plain-words reason for a file-system error code met while saving. */
function saveProblem(code: string | undefined): string {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return "the disk is full";
    case "EROFS":
      return "the disk is read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "the folder vanished";
    default:
      return "the file system refused a write";
  }
}

/**
 * Reads a model folder written by {@link writeModelFolder} after checking every file against the
 * checksums saved with it; a damaged, edited or foreign file, or a folder of another format
 * version, is refused naming the file.
 *
 * @example
 * const files = readModelFolder("models/ratings", ["model.json", "weights.bin", "metadata.json"]);
 */
export function readModelFolder(dir: string, required: readonly string[]): Record<string, Buffer> {
  const home = modelHome(dir);
  if (!existsSync(home)) throw new ModelFilesError(`${dir}: no saved model`);
  const sumsPath = join(home, CHECKSUMS);
  if (!existsSync(sumsPath))
    throw new ModelFilesError(
      `${dir}/${CHECKSUMS}: missing, so the model files cannot be verified`,
    );
  let saved: { format?: unknown; sha256?: Record<string, string> };
  try {
    saved = JSON.parse(readFileSync(sumsPath, "utf8")) as typeof saved;
  } catch (err) {
    throw new ModelFilesError(`${dir}/${CHECKSUMS}: not valid JSON (${(err as Error).message})`);
  }
  if (saved.format !== MODEL_FOLDER_FORMAT)
    throw new ModelFilesError(
      `${dir}: saved in model folder format ${JSON.stringify(saved.format ?? "1 (unversioned)")}, this version reads format ${MODEL_FOLDER_FORMAT}: train the model again`,
    );
  const out: Record<string, Buffer> = {};
  for (const name of new Set([...required, ...Object.keys(saved.sha256 ?? {})])) {
    const expected = saved.sha256?.[name];
    if (!expected) throw new ModelFilesError(`${dir}/${name}: not covered by ${CHECKSUMS}`);
    const path = join(home, name);
    if (!existsSync(path)) throw new ModelFilesError(`${dir}/${name}: missing`);
    const data = readFileSync(path);
    const found = sha256(data);
    if (found !== expected)
      throw new ModelFilesError(
        `${dir}/${name} does not match its saved checksum (sha256 ${expected.slice(0, 12)}…, found ${found.slice(0, 12)}…): the file is damaged or was edited`,
      );
    out[name] = data;
  }
  return out;
}

const held = new Map<string, { count: number; path: string }>();

/**
 * Takes the lock of a model folder, `<dir>.lock` beside it, holding this process id: one writer per
 * folder across processes. Re-entrant within a process; a lock left by a process that no longer
 * runs is taken over. Another live process holding it is refused with its pid named, and so is a
 * lock path that is not a plain file (a folder, or a link, even one to nothing): such a thing would
 * otherwise switch the lock off. Two processes taking over one stale lock at once take turns
 * through `<dir>.lock.takeover` (made with an exclusive create), and each reads the lock again
 * before removing it, so that only one of them gets it. Returns the function that releases it (the
 * lock also goes when the process exits). `use` says in a refusal what the lock is for (the
 * report locks its output folder with it too).
 *
 * @example
 * const release = lockModelDir("models/ratings"); // a second server on the folder is refused
 */
export function lockModelDir(
  dir: string,
  use = "one server or trainer per model folder",
): () => void {
  const home = modelHome(dir);
  const path = `${home}.lock`;
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return () => releaseLock(path);
  }
  mkdirSync(dirname(home), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    if (createLock(path)) break;
    const holder = lockHolder(dir, path);
    if (holder !== null && holder !== process.pid && processRuns(holder))
      throw new ModelFilesError(
        `${dir} is in use by another process (pid ${holder}): ${use}; stop it or choose another folder (if no such process uses it, remove ${basename(path)})`,
      );
    if (attempt > 1000)
      throw new ModelFilesError(
        `${path}: could not take the lock over from a process that is gone`,
      );
    takeOverStale(path, holder);
  }
  held.set(path, { count: 1, path });
  return () => releaseLock(path);
}

/** Creates the lock file with this process id; false when something is at its path already. */
function createLock(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The pid in a lock file (see {@link readPid}). A lock path that is not a plain file is refused,
 * naming it.
 */
function lockHolder(dir: string, path: string): number | null {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return null; // released meanwhile
  }
  if (!stat.isFile())
    throw new ModelFilesError(
      `${dir}: its lock ${path} is a ${stat.isSymbolicLink() ? "link" : stat.isDirectory() ? "folder" : "special file"}, not a lock file; with it there the folder cannot be locked against a second server: remove it`,
    );
  return readPid(path);
}

/** The pid a lock file holds, or null when it holds none (being written, damaged, or gone). */
function readPid(path: string): number | null {
  let pid: number;
  try {
    pid = parseInt(readFileSync(path, "utf8"), 10);
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Removes a lock whose holder (`stale`, null for none) is gone, while holding the takeover guard,
 * and only if it still names that holder: a second process doing the same at once then finds the
 * first one's fresh lock instead of removing it. A guard left by a process killed while holding it
 * is removed after a few seconds.
 */
function takeOverStale(path: string, stale: number | null): void {
  const guard = `${path}.takeover`;
  if (!createLock(guard)) {
    const holder = readPid(guard);
    if ((holder !== null && !processRuns(holder)) || ageMs(guard) > 5000)
      rmSync(guard, { force: true });
    else pause();
    return;
  }
  try {
    if (!existsSync(path)) return; // gone already
    // An empty lock may be one that its maker has not written its pid into yet.
    if (readPid(path) === stale && (stale !== null || ageMs(path) > 2000))
      rmSync(path, { force: true });
    else pause();
  } finally {
    rmSync(guard, { force: true });
  }
}

/** How long ago a file was last written, in ms (0 when it is gone). */
function ageMs(path: string): number {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Waits 5 ms, for a lock's maker to finish writing it or a guard's holder to let go. */
const pause = (): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);

function releaseLock(path: string): void {
  const mine = held.get(path);
  if (!mine || --mine.count > 0) return;
  held.delete(path);
  rmSync(path, { force: true });
}
process.on("exit", () => {
  for (const path of held.keys()) rmSync(path, { force: true });
});
