import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { ESLint } from "eslint";
import ts from "typescript";

import { filesUnder } from "../io/files-under";
import { sourceLines } from "./source-lines";

/** The code the quality score judges: the rating service (server and ratings modules). */
export const SERVICE_DIRS = ["src/server", "src/ratings"];

/** One part of the score: its error count (size has none) and its score in [0, 1]. */
export interface QualityPart {
  name: string;
  errors: number | null;
  score: number;
}

/** The code-quality score of a set of files, with its parts. */
export interface QualityReport {
  files: string[];
  sloc: number;
  parts: QualityPart[];
  /** Geometric mean of the parts' scores. */
  score: number;
}

/** A part's score from its error count: `exp(-8 * errors / SLOC)`. */
export const errorScore = (errors: number, sloc: number): number =>
  Math.exp((-8 * errors) / Math.max(1, sloc));

/** The size part: `exp(-SLOC / 800 + 0.125)`, capped at 1. */
export const sizeScore = (sloc: number): number => Math.min(1, Math.exp(-sloc / 800 + 0.125));

/**
 * Applies the challenge's code-quality formulas to the TypeScript files under `dirs`: eslint
 * errors (import order and doc comments counted as their own parts), tsc strict errors, and size.
 *
 * @example
 * const { score, parts } = await measureCodeQuality();
 */
export async function measureCodeQuality(
  dirs: readonly string[] = SERVICE_DIRS,
  root = process.cwd(),
): Promise<QualityReport> {
  const files = dirs.flatMap((d) => tsFiles(resolve(root, d))).sort();
  if (files.length === 0) throw new Error(`no .ts files under ${dirs.join(", ")}`);
  const sloc = files.reduce((s, f) => s + sourceLines(readFileSync(f, "utf8")), 0);
  const counts = { lint: 0, imports: 0, docs: 0 };
  for (const result of await new ESLint({ cwd: root }).lintFiles(files)) {
    for (const m of result.messages) {
      if (m.ruleId?.startsWith("simple-import-sort/")) counts.imports++;
      else if (m.ruleId?.startsWith("jsdoc/")) counts.docs++;
      else counts.lint++;
    }
  }
  const typeErrors = strictTypeErrors(files, root);
  const parts: QualityPart[] = [
    { name: "linter (eslint)", errors: counts.lint, score: errorScore(counts.lint, sloc) },
    { name: "import order", errors: counts.imports, score: errorScore(counts.imports, sloc) },
    { name: "doc comments", errors: counts.docs, score: errorScore(counts.docs, sloc) },
    { name: "type checker (tsc strict)", errors: typeErrors, score: errorScore(typeErrors, sloc) },
    { name: "size", errors: null, score: sizeScore(sloc) },
  ];
  const score = Math.exp(parts.reduce((s, p) => s + Math.log(p.score), 0) / parts.length);
  return { files: files.map((f) => relative(root, f)), sloc, parts, score };
}

function tsFiles(dir: string): string[] {
  return filesUnder(dir).filter((path) => path.endsWith(".ts"));
}

/** Type errors in `files` under the project's tsconfig with `strict` forced on. */
function strictTypeErrors(files: string[], root: string): number {
  const configPath = join(root, "tsconfig.json");
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const program = ts.createProgram(files, { ...parsed.options, strict: true, noEmit: true });
  const judged = new Set(files.map((f) => resolve(f)));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .filter((d) => !d.file || judged.has(resolve(d.file.fileName))).length;
}
