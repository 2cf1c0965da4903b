/**
 * `npm run format` and `npm test` for notebooks: every code cell formatted by prettier at the
 * project's width (so reports show code in full), and the notebook's code, its cells joined in
 * order, linted by the project's eslint rules (sorted imports, no unused names), and every import
 * in the first code cell. `tsx src/report/notebook-style.ts --check` lists what is off, `--write` formats.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ESLint } from "eslint";
import * as prettier from "prettier";

import { writeFileAtomic } from "../io/atomic-write";
import { PROJECT_ROOT } from "../io/project-paths";
import { runMain } from "../runtime/run-main";
import { listNotebooks } from "./notebooks";

interface NotebookJson {
  cells: { cell_type: string; source: string | string[] }[];
}

const sourceOf = (cell: NotebookJson["cells"][number]): string =>
  Array.isArray(cell.source) ? cell.source.join("") : cell.source;

const toLines = (text: string): string[] => {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
};

/**
 * A notebook's JSON with every code cell formatted by prettier (the project's settings), and the
 * names of the cells that changed.
 *
 * @example
 * const { json, changed } = await formatNotebook(readFileSync(path, "utf8"));
 */
export async function formatNotebook(text: string): Promise<{ json: string; changed: number[] }> {
  const nb = JSON.parse(text) as NotebookJson;
  const options = (await prettier.resolveConfig(join(PROJECT_ROOT, "src", "x.ts"))) ?? {};
  const changed: number[] = [];
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const before = sourceOf(cell);
    const after = (await prettier.format(before, { ...options, parser: "typescript" })).replace(
      /\n$/,
      "",
    );
    if (after !== before) changed.push(i + 1);
    cell.source = toLines(after);
  }
  return { json: JSON.stringify(nb, null, 1) + "\n", changed };
}

/**
 * Lint messages of a notebook's code, cells joined in order, each naming its cell and line.
 *
 * @example
 * const problems = await lintNotebook(readFileSync(path, "utf8"));
 */
export async function lintNotebook(text: string): Promise<string[]> {
  const nb = JSON.parse(text) as NotebookJson;
  const lines: { cell: number; line: number }[] = [];
  const code: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    sourceOf(cell)
      .split("\n")
      .forEach((l, k) => {
        code.push(l);
        lines.push({ cell: i + 1, line: k + 1 });
      });
  });
  const late = nb.cells
    .map((cell, i) => ({ cell, i }))
    .filter(({ cell }) => cell.cell_type === "code")
    .slice(1)
    .filter(({ cell }) => /^import\s/m.test(sourceOf(cell)))
    .map(({ i }) => `cell ${i + 1}: imports belong in the first code cell`);
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  // A virtual file outside the ignored notebooks/ folder, so that the TypeScript rules apply.
  const [result] = await eslint.lintText(code.join("\n") + "\n", {
    filePath: join(PROJECT_ROOT, "notebook-cells.ts"),
  });
  return [
    ...late,
    ...result.messages.map((m) => {
      const at = lines[(m.line ?? 1) - 1] ?? { cell: 0, line: 0 };
      return `cell ${at.cell}, line ${at.line}: ${m.message} (${m.ruleId ?? "syntax"})`;
    }),
  ];
}

async function main(argv: string[]): Promise<number> {
  const write = argv.includes("--write");
  const dir = join(PROJECT_ROOT, "notebooks");
  let problems = 0;
  for (const name of listNotebooks(dir)) {
    const path = join(dir, name);
    const text = readFileSync(path, "utf8");
    const { json, changed } = await formatNotebook(text);
    if (write && json !== text) writeFileAtomic(path, json);
    else if (changed.length > 0) {
      problems++;
      console.error(`notebooks/${name}: cells ${changed.join(", ")} are not prettier-formatted`);
    }
    for (const m of await lintNotebook(json)) {
      problems++;
      console.error(`notebooks/${name}: ${m}`);
    }
  }
  if (problems > 0 && !write) console.error("run npm run format to format the notebooks");
  return problems > 0 ? 1 : 0;
}

runMain(module, main);
