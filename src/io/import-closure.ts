import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The TypeScript source files that `entries` run: the entries and, transitively, every file they
 * import by a relative path (`./x`, `../y/z`; packages are not followed), sorted. For keying a
 * cache on exactly the code that made its contents, no more (an unrelated edit keeps the cache)
 * and no less (an edit to any helper the code calls makes a new key).
 *
 * @example
 * importClosure([join(__dirname, "simulate.ts")]); // simulate.ts, interaction-law.ts, seeded.ts, ...
 */
export function importClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = resolve(dirname(file), m[1]);
      const found = [`${base}.ts`, join(base, "index.ts"), base].find(
        (f) => f.endsWith(".ts") && existsSync(f),
      );
      if (!found) throw new Error(`${file}: cannot find the module ${m[1]} it imports`);
      visit(found);
    }
  };
  for (const e of entries) visit(resolve(e));
  return [...seen].sort();
}
