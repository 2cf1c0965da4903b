import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { test } from "node:test";

import { CsvError, integerCell, numberCell } from "../../src/io/csv";
import { MAX_LINE_CHARS, parseCsvColumns, readCsvColumns } from "../../src/io/csv-columns";

const schema = {
  userId: { type: Int32Array, read: integerCell },
  rating: { type: Float32Array, read: numberCell },
} as const;

/** A stream of `text` cut into pieces of `size` bytes, as a socket delivers it. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text, "utf8");
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces, { objectMode: false });
}

const csv = (rows: number, end = "\n"): string =>
  ["rating,userId", ...Array.from({ length: rows }, (_, i) => `${1 + (i % 5)},${i}`)].join(end) +
  end;

test("a whole text and the same text streamed in odd pieces give the same typed columns", async () => {
  const text = csv(5000);
  const whole = parseCsvColumns(text, "t.csv", schema);
  assert.ok(whole.userId instanceof Int32Array && whole.rating instanceof Float32Array);
  assert.equal(whole.userId.length, 5000);
  assert.equal(whole.userId[4999], 4999);
  assert.equal(whole.rating[7], 3);
  for (const size of [1, 7, 4096]) {
    const streamed = await readCsvColumns(chunked(text, size), "t.csv", schema);
    assert.deepEqual(streamed, whole, `pieces of ${size} bytes`);
  }
});

test("line ends of every kind, a BOM and a header split across pieces all parse", async () => {
  for (const end of ["\r\n", "\r", "\n"]) {
    const cols = await readCsvColumns(chunked("\uFEFF" + csv(300, end), 5), "t.csv", schema);
    assert.equal(cols.userId.length, 300, JSON.stringify(end));
    assert.equal(cols.userId[299], 299);
  }
});

test("a bad cell is named by its row and column, wherever the stream's pieces fall", async () => {
  const text = csv(3000).replace("\n4,2003\n", "\n4,x2003\n");
  const errs = [
    (() => {
      try {
        parseCsvColumns(text, "t.csv", schema);
      } catch (e) {
        return e as CsvError;
      }
    })(),
    await readCsvColumns(chunked(text, 333), "t.csv", schema).catch((e: CsvError) => e),
  ];
  for (const e of errs) {
    assert.ok(e instanceof CsvError);
    assert.equal(e.row, 2004);
    assert.equal(e.column, "userId");
    assert.match(e.message, /t\.csv: row 2004, column userId: "x2003" is not an integer/);
  }
});

test("a row with too few fields and an unclosed quote are named by their row", async () => {
  const short = await readCsvColumns(chunked(csv(100) + "5\n", 64), "t.csv", schema).catch(
    (e: CsvError) => e,
  );
  assert.match(String(short), /row 101: expected 2 fields, found 1/);
  const quote = csv(2000) + '5,"7\n1,2\n';
  for (const e of [
    await readCsvColumns(chunked(quote, 500), "t.csv", schema).catch((e: CsvError) => e),
    (() => {
      try {
        parseCsvColumns(quote, "t.csv", schema);
      } catch (e) {
        return e as CsvError;
      }
    })(),
  ]) {
    assert.ok(e instanceof CsvError, String(e));
    assert.equal(e.row, 2001, e.message);
    assert.match(e.message, /quote/i);
  }
});

test(
  "the row limit throws at the first row past it, and the rest of the stream is drained",
  { timeout: 20_000 },
  async () => {
    // Longer than the leading sample the parser sees first, so the limit falls mid-stream.
    const input = chunked(csv(400_000), 65536);
    const err = await readCsvColumns(input, "t.csv", schema, {
      maxRows: 250_000,
      tooMany: (row) => new Error(`row ${row} is past the limit`),
    }).catch((e: Error) => e);
    assert.equal(String(err), "Error: row 250001 is past the limit");
    // Not drained, the paused stream would never finish (the test's timeout would fail it).
    await finished(input);
    assert.equal(input.readableEnded, true);
  },
);

test(
  "a line longer than MAX_LINE_CHARS is refused as it streams in, naming its row",
  { timeout: 20_000 },
  async () => {
    const noLineEnds = chunked(",".repeat(MAX_LINE_CHARS + 10), 65536);
    const header = await readCsvColumns(noLineEnds, "t.csv", schema).catch((e: Error) => e);
    assert.match(String(header), /t\.csv: the header is longer than \d+ characters/);
    await finished(noLineEnds);
    const row = chunked(csv(10) + "1," + "9".repeat(MAX_LINE_CHARS) + "\n", 65536);
    const err = await readCsvColumns(row, "t.csv", schema).catch((e: CsvError) => e);
    assert.ok(err instanceof CsvError);
    assert.equal(err.row, 11);
    assert.match(err.message, /row 11 is longer than/);
  },
);

test(
  "a quoted field holding many line breaks counts as one row against MAX_LINE_CHARS",
  { timeout: 20_000 },
  async () => {
    const field = '"' + "1\n".repeat(600_000) + '"';
    const body = chunked(csv(3) + `4,${field}\n` + csv(2).split("\n").slice(1).join("\n"), 65536);
    const started = Date.now();
    const err = await readCsvColumns(body, "q.csv", schema).catch((e: CsvError) => e);
    assert.ok(err instanceof CsvError, String(err));
    assert.equal(err.row, 4);
    assert.match(err.message, /q\.csv: row 4 is longer than \d+ characters/);
    assert.ok(Date.now() - started < 10_000);
    // Quoted line breaks and `""` in a short field are fine, and do not shift the row count.
    const ok = chunked('userId,rating\n1,"4"\n"2","3\n"\n3,"""5"""\n', 4);
    const back = await readCsvColumns(ok, "q.csv", schema).catch((e: Error) => e);
    assert.match(String(back), /q\.csv: row 3/);
  },
);

test("empty files, headers without rows and wrong headers are refused by name", async () => {
  const errorOf = (text: string) =>
    readCsvColumns(chunked(text, 3), "t.csv", schema).then(
      () => "no error",
      (e: Error) => e.message,
    );
  assert.match(await errorOf(""), /t\.csv: the file is empty/);
  assert.match(await errorOf("   \n"), /t\.csv: the file is empty/);
  assert.match(await errorOf("rating,userId\n"), /a header but no rows/);
  assert.match(await errorOf("rating,user\n1,2\n"), /missing column userId/);
  assert.match(await errorOf("rating;userId\n1;2\n"), /separated by ";"/);
});
