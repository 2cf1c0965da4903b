import assert from "node:assert/strict";
import { test } from "node:test";

import { formatNotebook, lintNotebook } from "../../src/report/notebook-style";

const notebook = (...cells: [string, string][]): string =>
  JSON.stringify({
    cells: cells.map(([cell_type, source]) => ({ cell_type, source: source.split(/(?<=\n)/) })),
  });

test("formatNotebook formats code cells with prettier and names the cells it changed", async () => {
  const text = notebook(["markdown", "# T"], ["code", "const  x = [1,2]\n"], ["code", "x;"]);
  const { json, changed } = await formatNotebook(text);
  assert.deepEqual(changed, [2]);
  const cells = (JSON.parse(json) as { cells: { source: string[] }[] }).cells;
  assert.deepEqual(cells[1].source, ["const x = [1, 2];"]);
  assert.deepEqual((await formatNotebook(json)).changed, []);
});

test("lintNotebook names cell and line: unsorted imports, unused names, late imports", async () => {
  const problems = await lintNotebook(
    notebook(
      [
        "code",
        'import { b } from "./src/b";\nimport { a } from "./src/a";\n\nconst unused = a(b);',
      ],
      ["markdown", "## Later"],
      ["code", 'import { c } from "./src/c";\nc();'],
    ),
  );
  assert.ok(
    problems.includes("cell 3: imports belong in the first code cell"),
    problems.join("\n"),
  );
  assert.ok(
    problems.some((p) => /^cell 1, line 1: .*simple-import-sort/.test(p)),
    problems.join("\n"),
  );
  assert.ok(
    problems.some((p) => /^cell 1, line 4: 'unused' is assigned/.test(p)),
    problems.join("\n"),
  );
  assert.deepEqual(
    await lintNotebook(notebook(["code", 'import { a } from "./src/a";\na();'])),
    [],
  );
});

test("lintNotebook applies the type-aware rules to cells: an unawaited promise is named", async () => {
  const problems = await lintNotebook(
    notebook(
      ["code", 'import { readRatings } from "./src/ratings/data";\n\nconst r = readRatings();'],
      [
        "code",
        "const later = async (): Promise<number> => r.rating.length;\nlater();\nawait later();",
      ],
    ),
  );
  assert.ok(
    problems.some((p) => /^cell 2, line 2: Promises must be awaited.*no-floating-promises/.test(p)),
    problems.join("\n"),
  );
  assert.equal(problems.length, 1, problems.join("\n"));
});
