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
  const parsed = Papa.parse<Record<string, string>>(body, {
    header: true,
    skipEmptyLines: true,
    transformHeader: (h) => h.trim(),
  });
  const header = parsed.meta.fields ?? [];
  // papaparse renames a repeated header (`userId` -> `userId_1`) and says so in renamedHeaders.
  const renamed = (parsed.meta as { renamedHeaders?: Record<string, string> }).renamedHeaders ?? {};
  const duplicated = Object.values(renamed)[0];
  if (duplicated !== undefined) {
    throw new CsvError(`${source}: column ${duplicated} appears twice`, { column: duplicated });
  }
  const missing = schema.required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvError(
      `${source}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (header: ${header.join(",")})`,
      { column: missing[0] },
    );
  }
  if (schema.optional !== "any") {
    const allowed = new Set([...schema.required, ...(schema.optional ?? [])]);
    const extra = header.filter((c) => !allowed.has(c));
    if (extra.length > 0) {
      throw new CsvError(
        `${source}: unexpected column${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (expected: ${schema.required.join(",")})`,
        { column: extra[0] },
      );
    }
  }
  const fieldError = parsed.errors.find((e) => e.code !== "UndetectableDelimiter");
  if (fieldError) {
    const row = (fieldError.row ?? 0) + 1;
    throw new CsvError(`${source}: row ${row}: ${fieldError.message}`, { row });
  }
  if (parsed.data.length === 0) throw new CsvError(`${source}: the file has a header but no rows`);
  return { header, rows: parsed.data };
}

/** Reads a CSV file and checks it as {@link parseCsv} does. */
export function readCsv(path: string, schema: CsvSchema): CsvTable {
  if (!existsSync(path)) throw new CsvError(`${path}: file not found`);
  return parseCsv(readFileSync(path, "utf8"), path, schema);
}

/** A {@link CsvError} for one cell: names the source, row and column, then what is wrong. */
export function cellError(source: string, row: number, column: string, problem: string): CsvError {
  return new CsvError(`${source}: row ${row}, column ${column}: ${problem}`, { row, column });
}

/** Parses an integer cell (ids); throws a {@link CsvError} naming row and column otherwise. */
export function integerCell(
  value: string | undefined,
  source: string,
  row: number,
  column: string,
): number {
  const v = (value ?? "").trim();
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw cellError(source, row, column, `${JSON.stringify(value ?? "")} is not an integer`);
  }
  return Number(v);
}

/** Parses a finite number cell; throws a {@link CsvError} naming row and column otherwise. */
export function numberCell(
  value: string | undefined,
  source: string,
  row: number,
  column: string,
): number {
  const v = (value ?? "").trim();
  const n = v === "" ? NaN : Number(v);
  if (!Number.isFinite(n)) {
    throw cellError(source, row, column, `${JSON.stringify(value ?? "")} is not a number`);
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
