import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

import { processRuns } from "./process-runs";

/**
 * Writes `data` to a new file at `path` and flushes it to disk before returning. Every byte is
 * checked to have reached the file: `write` may write fewer bytes than asked (a disk that fills up
 * mid-write does this), so it is called until all are written, and the file's size is compared with
 * the data's at the end. Any shortfall throws, and the partial file is removed.
 *
 * @example
 * writeFileDurable("models/m.v-1/weights.bin", bytes);
 */
export function writeFileDurable(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const fd = openSync(path, "w");
  try {
    for (let written = 0; written < bytes.length;) {
      const n = writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw new Error(`${path}: the disk took no more bytes after ${written}`);
      written += n;
    }
    fsyncSync(fd);
    const size = fstatSync(fd).size;
    if (size !== bytes.length)
      throw new Error(`${path}: ${size} of ${bytes.length} bytes reached the disk`);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

/** Flushes a folder's entries (a rename or a new file in it) to disk. */
export function syncFolder(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

let temporaries = 0;

/**
 * Removes the temporary siblings of `path` (`<name>.<pid>.<stamp>.<n>.tmp`) left by processes that
 * were killed mid-write, so that a crash leaves no orphan behind for long: the next write of the
 * same file clears them. A live process's temporary file is left alone.
 */
function removeOrphanTemporaries(path: string): void {
  const name = basename(path);
  for (const f of readdirSync(dirname(path))) {
    if (!f.startsWith(`${name}.`) || !f.endsWith(".tmp")) continue;
    const pid = /^(\d+)\.\d+(\.\d+)?\.tmp$/.exec(f.slice(name.length + 1))?.[1];
    if (pid && !processRuns(Number(pid))) rmSync(join(dirname(path), f), { force: true });
  }
}

/**
 * Writes a file atomically and durably: the data goes to a temporary sibling first (every byte
 * checked and flushed, see {@link writeFileDurable}), which is then renamed over the target and the
 * folder flushed, so that a reader, a crash or a full disk never leaves a half-written file. The
 * temporary name is unique to the process and the call; temporaries left by killed writers are
 * removed.
 *
 * @example
 * writeFileAtomic("outputs/submission.json", JSON.stringify(preds));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  removeOrphanTemporaries(path);
  const tmp = `${path}.${process.pid}.${Date.now()}.${++temporaries}.tmp`;
  try {
    writeFileDurable(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dirname(path));
}
