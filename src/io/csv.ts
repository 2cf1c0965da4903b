import { existsSync, readFileSync } from "node:fs";

import Papa from "papaparse";

/** Raised for malformed CSV input; the message names the source, and row and column when known. */
export class CsvError extends Error {
  override name = "CsvError";
  /** 1-based data row (header excluded), when the problem is in one row. */
  row?: number;
  /** Column name, when the problem is in one column. */
  column?: string;
  constructor(message: string, where: { row?: number; column?: string } = {}) {
    super(message);
    this.row = where.row;
    this.column = where.column;
  }
}

/** Header rules for {@link parseCsv}. */
export interface CsvSchema {
  /** Columns that must be present (in any order). */
  required: readonly string[];
  /** Columns that may be present besides the required ones; `"any"` allows every other column. */
  optional?: readonly string[] | "any";
}

/** Longest piece of the input quoted back in a message: a 10 MB cell gives a short error. */
export const MAX_ECHO = 60;

/** Most columns a header may have before the file is refused without parsing its rows. */
export const MAX_COLUMNS = 1000;

/**
 * A value quoted for a message, cut to {@link MAX_ECHO} characters.
 *
 * @example
 * echo("x".repeat(1e6)); // '"xxxx…" (1000000 characters)'
 */
export function echo(value: string): string {
  return value.length <= MAX_ECHO
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, MAX_ECHO) + "…")} (${value.length} characters)`;
}

/** A parsed CSV: its header and its data rows as string records. */
export interface CsvTable {
  /** Column names as they appear in the header. */
  header: string[];
  /** Data rows keyed by column name. */
  rows: Record<string, string>[];
}

/**
 * Parses CSV text and checks its header against a schema: an empty input, a missing column or an
 * unexpected column throws a {@link CsvError} naming `source` and the column.
 *
 * @example
 * const { rows } = parseCsv("userId,movieId\n1,31\n", "df_test.csv", { required: ["userId", "movieId"] });
 */
export function parseCsv(text: string, source: string, schema: CsvSchema): CsvTable {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "")
    throw new CsvError(`${source}: the file is empty (expected a header row)`);
  // The header alone first: a bad or absurd header is refused before any row is parsed (papaparse
  // would otherwise rename millions of repeated empty names).
  const firstLine = body.slice(0, body.search(/\r\n|\n|\r|$/));
  let commas = 0;
  for (let i = 0; i < firstLine.length && commas < MAX_COLUMNS; i++)
    if (firstLine.charCodeAt(i) === 44) commas++;
  if (commas >= MAX_COLUMNS)
    throw new CsvError(
      `${source}: the header has more than ${MAX_COLUMNS} columns (expected ${schema.required.join(",")})`,
    );
  const fields = (
    Papa.parse<string[]>(firstLine, { preview: 1, delimiter: "," }).data[0] ?? []
  ).map((h) => h.trim());
  checkCsvHeader(fields, source, schema);
  const parsed = Papa.parse<Record<string, string>>(body, {
    header: true,
    delimiter: ",",
    skipEmptyLines: true,
    transformHeader: (h) => h.trim(),
  });
  const header = parsed.meta.fields ?? [];
  const fieldError = parsed.errors.find((e) => e.code !== "UndetectableDelimiter");
  if (fieldError) {
    const row = (fieldError.row ?? 0) + 1;
    throw new CsvError(`${source}: row ${row}: ${fieldError.message}`, { row });
  }
  if (parsed.data.length === 0) throw new CsvError(`${source}: the file has a header but no rows`);
  return { header, rows: parsed.data };
}

const nameOf = (column: string): string => (column.length <= MAX_ECHO ? column : echo(column));

/**
 * Checks a header against a schema: not separated by something other than commas, no repeated,
 * missing or (unless allowed) unexpected column. Throws a {@link CsvError} naming the column.
 */
export function checkCsvHeader(header: string[], source: string, schema: CsvSchema): void {
  if (header.length === 1 && schema.required.length > 1) {
    const found = [";", "\t", "|"].find((d) => header[0].includes(d));
    if (found)
      throw new CsvError(
        `${source}: the header is separated by ${found === "\t" ? "tabs" : `"${found}"`}; send comma-separated values (expected ${schema.required.join(",")})`,
      );
  }
  const duplicated = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicated !== undefined)
    throw new CsvError(`${source}: column ${nameOf(duplicated)} appears twice`, {
      column: nameOf(duplicated),
    });
  const missing = schema.required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvError(
      `${source}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (header: ${nameOf(header.join(","))})`,
      { column: missing[0] },
    );
  }
  if (schema.optional !== "any") {
    const allowed = new Set([...schema.required, ...(schema.optional ?? [])]);
    const extra = header.filter((c) => !allowed.has(c));
    if (extra.length > 0) {
      throw new CsvError(
        `${source}: unexpected column${extra.length > 1 ? "s" : ""} ${nameOf(extra.join(", "))} (expected: ${schema.required.join(",")})`,
        { column: nameOf(extra[0]) },
      );
    }
  }
}

/** A CSV file's text; a missing file throws a {@link CsvError} naming it. */
export function readCsvText(path: string): string {
  if (!existsSync(path)) throw new CsvError(`${path}: file not found`);
  return readFileSync(path, "utf8");
}

/** Reads a CSV file and checks it as {@link parseCsv} does. */
export function readCsv(path: string, schema: CsvSchema): CsvTable {
  return parseCsv(readCsvText(path), path, schema);
}

/** A {@link CsvError} for one cell: names the source, row and column, then what is wrong. */
export function cellError(source: string, row: number, column: string, problem: string): CsvError {
  return new CsvError(`${source}: row ${row}, column ${column}: ${problem}`, { row, column });
}

/** The range of ids the project stores (32-bit signed integers, as in `Int32Array`). */
export const ID_RANGE: readonly [number, number] = [-(2 ** 31), 2 ** 31 - 1];

/**
 * Parses an integer cell (ids), within `range` when given; throws a {@link CsvError} naming row and
 * column otherwise, so that an id is never silently wrapped into another.
 */
export function integerCell(
  value: string | undefined,
  source: string,
  row: number,
  column: string,
  range?: readonly [number, number],
): number {
  const v = (value ?? "").trim();
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw cellError(source, row, column, `${echo(value ?? "")} is not an integer`);
  }
  const n = Number(v);
  if (range && (n < range[0] || n > range[1]))
    throw cellError(source, row, column, `${v} is outside the id range [${range[0]}, ${range[1]}]`);
  return n;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a finite number cell; throws a {@link CsvError} naming row and column otherwise. */
export function numberCell(
  value: string | undefined,
  source: string,
  row: number,
  column: string,
): number {
  const v = (value ?? "").trim();
  // Decimal notation only: Number() would also read "0x3", "0b11" and "Infinity".
  const n = DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    throw cellError(source, row, column, `${echo(value ?? "")} is not a number`);
  }
  return n;
}

/** Parses an optional number cell: empty means unknown (`null`); anything else must be a number. */
export function optionalNumberCell(
  value: string | undefined,
  source: string,
  row: number,
  column: string,
): number | null {
  return (value ?? "").trim() === "" ? null : numberCell(value, source, row, column);
}
