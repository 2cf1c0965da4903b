import type * as Tslab from "tslab";

import { formatNumber } from "./number-format";

/** Renders rows of records as an HTML table (numbers by {@link formatNumber} with `digits`). */
export function tableHtml(rows: Record<string, unknown>[], digits = 4): string {
  if (rows.length === 0) return "<p><em>(no rows)</em></p>";
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown): string =>
    typeof v === "number" ? formatNumber(v, digits) : escapeHtml(String(v));
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * Shows rows of records as a table in a tslab notebook.
 *
 * @example
 * showTable([{ model: "linear", params: 348 }]);
 */
export function showTable(rows: Record<string, unknown>[], digits = 4): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { display } = require("tslab") as typeof Tslab;
  display.html(tableHtml(rows, digits));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The columns and rows of a danfo DataFrame (anything with `columns` and `values`). */
export interface FrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
}

/**
 * Shows a danfo DataFrame as an HTML table, numbers by {@link formatNumber}.
 *
 * @example
 * showFrame(toDataFrame(ratings).head(5));
 */
export function showFrame(frame: FrameLike, digits = 3): void {
  const rows = (frame.values as unknown[][]).map((row) =>
    Object.fromEntries(frame.columns.map((c, j) => [c, row[j]])),
  );
  showTable(rows, digits);
}
