/**
 * Whether a process with this id runs now (one of another user's counts: it cannot be signalled,
 * but it runs). For telling a lock or a staging folder left by a dead process from a live one's.
 *
 * @example
 * processRuns(process.pid); // true
 */
export function processRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
