/**
 * A number as a reader wants it in a sentence or a table: integers with thousands separators,
 * very small or very large values in scientific notation, others with `digits` decimals and no
 * float noise (174.1, not 174.0999999999999).
 *
 * @example
 * formatNumber(174.0999999999999); // "174.1"
 * formatNumber(83574); // "83,574"
 * formatNumber(0.000123); // "1.23e-4"
 */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(2).replace("e+", "e");
  const fixed = Number(v.toFixed(digits));
  return fixed.toLocaleString("en-US", { maximumFractionDigits: digits });
}
