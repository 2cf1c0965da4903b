import type * as Tslab from "tslab";

/** Renders rows of records as an HTML table (numbers rounded to `digits`). */
export function tableHtml(rows: Record<string, unknown>[], digits = 4): string {
  if (rows.length === 0) return "<p><em>(no rows)</em></p>";
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown): string =>
    typeof v === "number" && !Number.isInteger(v) ? v.toFixed(digits) : escapeHtml(String(v));
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Shows rows of records as a table in a tslab notebook. */
export function showTable(rows: Record<string, unknown>[], digits = 4): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { display } = require("tslab") as typeof Tslab;
  display.html(tableHtml(rows, digits));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
