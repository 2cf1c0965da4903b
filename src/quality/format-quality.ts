import { type QualityReport, SERVICE_DIRS } from "./code-quality";

/**
 * A code-quality report as the lines `npm run quality` and `npm run challenge` print.
 *
 * @example
 * console.log(formatQuality(await measureCodeQuality()).join("\n"));
 */
export function formatQuality(report: QualityReport): string[] {
  return [
    `code quality of ${SERVICE_DIRS.join(" + ")}: ${report.files.length} files, ${report.sloc} SLOC`,
    ...report.parts.map(
      (p) =>
        `  ${p.name.padEnd(28)} ${p.errors === null ? "".padStart(8) : `${p.errors} errors`.padStart(8)}  score ${p.score.toFixed(3)}`,
    ),
    `  ${"code-quality score (geometric mean)".padEnd(38)}  score ${report.score.toFixed(3)}`,
  ];
}
