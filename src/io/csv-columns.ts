import { type Readable, Transform, type TransformCallback } from "node:stream";

import Papa from "papaparse";

import { checkCsvHeader, CsvError, MAX_COLUMNS } from "./csv";

/** Reads one cell as a number, or throws a {@link CsvError} naming source, row and column. */
export type CellReader = (
  cell: string | undefined,
  source: string,
  row: number,
  column: string,
) => number;

/** One numeric column of a CSV: its typed-array type and how a cell becomes a number. */
export interface ColumnSpec {
  type: Int32ArrayConstructor | Float32ArrayConstructor;
  read: CellReader;
}

/** The columns a CSV must have, by name. */
export type ColumnSchema = Record<string, ColumnSpec>;

/** What {@link CsvColumnBuilder} returns: one typed array per column of the schema, in file order. */
export type Columns<S extends ColumnSchema> = {
  [K in keyof S]: InstanceType<S[K]["type"]>;
};

/** Limits of {@link CsvColumnBuilder}: the error to throw at the first row past `maxRows`. */
export interface RowLimit {
  maxRows: number;
  tooMany: (rows: number) => Error;
}

/**
 * Builds typed columns from CSV rows as they come: the first row is the header (checked against
 * the schema), every later row is converted cell by cell into growing typed arrays. Memory is
 * the columns, never the text or an object per row; whatever feeds it (a whole text, a stream).
 *
 * @example
 * const b = new CsvColumnBuilder({ userId: { type: Int32Array, read: integerCell } }, "q.csv");
 * b.row(["userId"]); b.row(["7"]); b.finish().userId; // Int32Array [7]
 */
export class CsvColumnBuilder<S extends ColumnSchema> {
  private readonly names: (keyof S & string)[];
  private index: number[] | null = null;
  private width = 0;
  private rows = 0;
  private readonly columns: (Int32Array | Float32Array)[];

  constructor(
    private readonly schema: S,
    private readonly source: string,
    private readonly limit?: RowLimit,
  ) {
    this.names = Object.keys(schema);
    this.columns = this.names.map((n) => new schema[n].type(1024));
  }

  /** Whether the header row has been taken. */
  get hasHeader(): boolean {
    return this.index !== null;
  }

  /** Data rows taken so far (the header excepted). */
  get rowCount(): number {
    return this.rows;
  }

  /** Takes one parsed row: the header first, then data rows (1-based row numbers in errors). */
  row(fields: string[]): void {
    if (this.index === null) return this.header(fields);
    const row = ++this.rows;
    if (this.limit && row > this.limit.maxRows) throw this.limit.tooMany(row);
    if (fields.length !== this.width)
      throw new CsvError(
        `${this.source}: row ${row}: expected ${this.width} fields, found ${fields.length}`,
        { row },
      );
    if (row > this.columns[0].length) this.grow();
    for (let c = 0; c < this.names.length; c++) {
      const name = this.names[c];
      this.columns[c][row - 1] = this.schema[name].read(
        fields[this.index[c]],
        this.source,
        row,
        name,
      );
    }
  }

  /** The columns, trimmed to the rows read; throws when there was no header or no row. */
  finish(): Columns<S> {
    if (this.index === null)
      throw new CsvError(`${this.source}: the file is empty (expected a header row)`);
    if (this.rows === 0) throw new CsvError(`${this.source}: the file has a header but no rows`);
    const out = {} as Record<string, Int32Array | Float32Array>;
    this.names.forEach((n, c) => (out[n] = this.columns[c].slice(0, this.rows)));
    return out as Columns<S>;
  }

  private header(fields: string[]): void {
    const header = fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim());
    if (header.length === 1 && header[0] === "")
      throw new CsvError(`${this.source}: the file is empty (expected a header row)`);
    if (header.length > MAX_COLUMNS)
      throw new CsvError(
        `${this.source}: the header has more than ${MAX_COLUMNS} columns (expected ${this.names.join(",")})`,
      );
    checkCsvHeader(header, this.source, { required: this.names });
    this.index = this.names.map((n) => header.indexOf(n));
    this.width = header.length;
  }

  private grow(): void {
    this.columns.forEach((col, c) => {
      const bigger = new this.schema[this.names[c]].type(col.length * 2);
      bigger.set(col);
      this.columns[c] = bigger;
    });
  }
}

const PARSE = { delimiter: ",", skipEmptyLines: true } as const;

/** How much of a stream papaparse sees at once at first: it guesses the line end from it. */
const SAMPLE_CHARS = 1 << 20;

/**
 * Longest row a streamed CSV may have, in characters, line breaks inside quoted fields included:
 * papaparse holds a row whole until it ends (and slows down more than linearly on a long one).
 */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * What a streamed CSV passes through before papaparse. It holds back the stream's first
 * {@link SAMPLE_CHARS} characters (or all of it, if shorter) and passes them on as one piece, then
 * everything after as it comes: papaparse guesses the line end (`\n`, `\r\n` or a lone `\r`) from
 * its first piece, which a socket may cut after a few bytes. And it refuses a row longer than
 * {@link MAX_LINE_CHARS} (a file without line ends, say, or a quoted field holding many line
 * breaks), which papaparse would hold whole. It follows quoting as papaparse does: a quote opens a
 * quoted field only at a field's start, `""` inside one is a quote, and a line break inside one
 * does not end the row.
 */
class CsvStreamGuard extends Transform {
  private held: string[] = [];
  private heldChars = 0;
  private released = false;
  private lineChars = 0;
  private lines = 0;
  private afterCr = false;
  private fieldStart = true;
  private quoted = false;
  private quoteSeen = false;
  constructor(private readonly source: string) {
    super({ decodeStrings: false, encoding: "utf8" });
  }
  override _transform(chunk: string, _enc: BufferEncoding, done: TransformCallback): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.quoted && this.quoteSeen) {
        this.quoteSeen = false;
        this.quoted = c === 34; // `""` is a quote inside the field; anything else closed it
      } else if (this.quoted && c === 34) this.quoteSeen = true;
      else if (!this.quoted && c === 34 && this.fieldStart) this.quoted = true;
      this.fieldStart = !this.quoted && (c === 44 || c === 10 || c === 13);
      if ((c === 10 || c === 13) && !this.quoted) {
        if (!(c === 10 && this.afterCr)) this.lines++;
        this.lineChars = 0;
      } else if (++this.lineChars > MAX_LINE_CHARS) {
        const what = this.lines === 0 ? "the header" : `row ${this.lines}`;
        return done(
          new CsvError(
            `${this.source}: ${what} is longer than ${MAX_LINE_CHARS} characters (is it a CSV, with line ends?)`,
            this.lines === 0 ? {} : { row: this.lines },
          ),
        );
      }
      this.afterCr = c === 13;
    }
    if (this.released) return done(null, chunk);
    this.held.push(chunk);
    this.heldChars += chunk.length;
    if (this.heldChars >= SAMPLE_CHARS) this.release();
    done();
  }
  override _flush(done: TransformCallback): void {
    this.release();
    done();
  }
  private release(): void {
    if (this.held.length > 0) this.push(this.held.join(""));
    this.held = [];
    this.released = true;
  }
}

/**
 * Feeds one batch of papaparse rows (a whole text, or one chunk of a stream) to `builder`, and
 * throws papaparse's first error (an unclosed quote, say) at the row where it occurred, with that
 * row's number: each row before it is still checked first, so the first problem is the one named.
 */
function feedRows<S extends ColumnSchema>(
  builder: CsvColumnBuilder<S>,
  data: string[][],
  errors: Papa.ParseError[],
  source: string,
): void {
  const at = errors[0]?.row ?? -1;
  for (let i = 0; i < data.length; i++) {
    if (i === at) {
      // The header is row 0 of the first batch; data rows are 1-based.
      const row = builder.rowCount + (builder.hasHeader ? 1 : 0);
      throw new CsvError(`${source}: row ${row}: ${errors[0].message}`, { row });
    }
    builder.row(data[i]);
  }
  if (at >= data.length) {
    const row = builder.rowCount + 1;
    throw new CsvError(`${source}: row ${row}: ${errors[0].message}`, { row });
  }
}

/**
 * Parses a whole CSV text into typed columns (see {@link CsvColumnBuilder}).
 *
 * @example
 * parseCsvColumns("userId\n7\n", "q.csv", { userId: { type: Int32Array, read: integerCell } });
 */
export function parseCsvColumns<S extends ColumnSchema>(
  text: string,
  source: string,
  schema: S,
  limit?: RowLimit,
): Columns<S> {
  const builder = new CsvColumnBuilder(schema, source, limit);
  const parsed = Papa.parse<string[]>(text, PARSE);
  feedRows(builder, parsed.data, parsed.errors, source);
  return builder.finish();
}

/**
 * Parses a CSV stream into typed columns as its chunks arrive (see {@link CsvColumnBuilder}): no
 * whole-body string, no array of rows. The first problem (a bad cell, a row past the limit, the
 * stream's own error) rejects at once; the rest of the stream is then read and discarded, so
 * that an HTTP client still gets its answer.
 *
 * @example
 * const cols = await readCsvColumns(createReadStream("q.csv"), "q.csv", schema);
 */
export function readCsvColumns<S extends ColumnSchema>(
  input: Readable,
  source: string,
  schema: S,
  limit?: RowLimit,
): Promise<Columns<S>> {
  const builder = new CsvColumnBuilder(schema, source, limit);
  input.setEncoding("utf8");
  const sample = new CsvStreamGuard(source);
  input.pipe(sample);
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      input.removeListener("error", fail);
      // Discard the rest: the sender finishes and reads the answer.
      input.on("error", () => undefined);
      input.unpipe(sample);
      input.resume();
      reject(err as Error);
    };
    input.on("error", fail);
    sample.on("error", fail);
    Papa.parse<string[]>(sample as unknown as File, {
      ...PARSE,
      chunk: (results, parser) => {
        if (failed) return;
        try {
          feedRows(builder, results.data, results.errors, source);
        } catch (err) {
          fail(err);
          parser.abort();
        }
      },
      complete: () => {
        if (failed) return;
        try {
          resolve(builder.finish());
        } catch (err) {
          fail(err);
        }
      },
      error: (err: Error) => fail(err),
    });
  });
}
