import assert from "node:assert/strict";
import { test } from "node:test";

import { type CsvError, ID_RANGE, integerCell, numberCell, parseCsv } from "../../src/io/csv";

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

test("hostile cells: ids beyond 32 bits, hex numbers and huge values are refused, briefly", () => {
  assert.throws(
    () => integerCell("4294967297", "q.csv", 1, "userId", ID_RANGE),
    /q\.csv: row 1, column userId: 4294967297 is outside the id range \[-2147483648, 2147483647\]/,
  );
  assert.equal(integerCell("2147483647", "q.csv", 1, "userId", ID_RANGE), 2147483647);
  for (const bad of ["0x3", "0b11", "0o7", "Infinity", "3,5", "1e400"])
    assert.throws(
      () => numberCell(bad, "t.csv", 2, "rating"),
      /row 2, column rating: .* is not a number/,
    );
  assert.equal(numberCell(" 4.5 ", "t.csv", 2, "rating"), 4.5);
  assert.equal(numberCell("5e-1", "t.csv", 2, "rating"), 0.5);
  const huge = "9".repeat(1_000_000);
  const err = (() => {
    try {
      numberCell(huge + "x", "t.csv", 3, "rating");
    } catch (e) {
      return e as Error;
    }
  })()!;
  assert.ok(err.message.length < 200, `${err.message.length} characters`);
  assert.match(err.message, /\(1000001 characters\)/);
});

test("a header of millions of commas is refused before any row is parsed", () => {
  assert.throws(
    () => parseCsv(",".repeat(10 * 1024 * 1024) + "\n1,2\n", "body", { required: ["userId"] }),
    /body: the header has more than 1000 columns/,
  );
  assert.throws(
    () =>
      parseCsv("userId,movieId," + "x".repeat(100_000) + "\n1,2,3\n", "q.csv", {
        required: ["userId", "movieId"],
      }),
    (e: Error) =>
      /unexpected column "x{60}…" \(100000 characters\)/.test(e.message) && e.message.length < 300,
  );
});

test("lone-CR files parse, header and all, however long they are", () => {
  const lone = "userId,movieId\r" + "1,31\r".repeat(1500);
  const { rows } = parseCsv(lone, "cr.csv", { required: ["userId", "movieId"] });
  assert.equal(rows.length, 1500);
});

test("files separated by something other than commas are refused, naming the separator", () => {
  const schema = { required: ["userId", "movieId"] };
  assert.throws(
    () => parseCsv("userId;movieId\n1;31\n", "s.csv", schema),
    /s\.csv: the header is separated by ";"; send comma-separated values/,
  );
  assert.throws(() => parseCsv("userId\tmovieId\n1\t31\n", "t.csv", schema), /separated by tabs/);
  // A comma header with a semicolon in a row is that row's problem, not a separator guess.
  assert.equal(parseCsv("userId,movieId\n1,31\n", "c.csv", schema).rows.length, 1);
});
