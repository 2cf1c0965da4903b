import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Why files cannot be written into `dir` (created if missing), as `CODE: message`, or null when
 * they can: a probe file is written there and removed. For checks made before long work whose
 * result must be saved (a training, a particle run), so that a bad folder is named at once.
 *
 * @example
 * const problem = folderWriteProblem("outputs/particles"); // null, or "EACCES: permission denied, ..."
 */
export function folderWriteProblem(dir: string): string | null {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, "");
    rmSync(probe);
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Node's message already starts with the code ("EROFS: read-only file system, open ...").
    return e.code && !e.message.startsWith(`${e.code}:`) ? `${e.code}: ${e.message}` : e.message;
  }
}
