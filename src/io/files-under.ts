import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Every file under `dir`, each folder's names in sorted order, following links (a data folder may
 * be a link to one elsewhere) but entering each real folder once, so that a loop of links ends;
 * none when `dir` is missing; `dir` itself when it is a file. What is neither a file nor a folder
 * (a broken link, a socket) is left out. The one folder walk of the project: the code digest
 * (sourceDigest), the report's input digest and the quality score's file list.
 *
 * @example
 * filesUnder("src/io"); // ["src/io/atomic-write.ts", "src/io/cached-result.ts", …]
 */
export function filesUnder(dir: string, entered = new Set<string>()): string[] {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [dir];
  if (!stat.isDirectory()) return [];
  const real = realpathSync(dir);
  if (entered.has(real)) return [];
  entered.add(real);
  return readdirSync(dir)
    .sort()
    .flatMap((name) => filesUnder(join(dir, name), entered));
}
