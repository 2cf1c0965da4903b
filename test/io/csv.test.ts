import assert from "node:assert/strict";
import { test } from "node:test";

import { type CsvError, parseCsv } from "../../src/io/csv";

const schema = { required: ["userId", "movieId"] } as const;

test("parseCsv accepts columns in any order and trims a BOM", () => {
  const t = parseCsv("\uFEFFmovieId,userId\n31,1\n", "q.csv", schema);
  assert.deepEqual(t.rows, [{ movieId: "31", userId: "1" }]);
});

test("parseCsv names missing, unexpected and duplicated columns", () => {
  assert.throws(
    () => parseCsv("userId\n1\n", "q.csv", schema),
    (e: CsvError) => e.column === "movieId" && /q\.csv: missing column movieId/.test(e.message),
  );
  assert.throws(
    () => parseCsv("userId,movieId,x\n1,2,3\n", "q.csv", schema),
    /q\.csv: unexpected column x/,
  );
  assert.throws(
    () => parseCsv("userId,movieId,userId\n1,2,3\n", "q.csv", { ...schema, optional: "any" }),
    /column userId appears twice/,
  );
});

test("parseCsv rejects an empty file and a header without rows", () => {
  assert.throws(() => parseCsv("", "e.csv", schema), /e\.csv: the file is empty/);
  assert.throws(
    () => parseCsv("userId,movieId\n", "h.csv", schema),
    /h\.csv: the file has a header but no rows/,
  );
});

test("parseCsv reports a row with too many fields by its number", () => {
  assert.throws(
    () => parseCsv("userId,movieId\n1,2\n3,4,5\n", "f.csv", schema),
    (e: CsvError) => e.row === 2,
  );
});
