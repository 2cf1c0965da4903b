/** `npm run quality`: the code-quality score of the rating service code, part by part. */
import { measureCodeQuality, type QualityReport, SERVICE_DIRS } from "./code-quality";

/** The report as the lines `npm run quality` prints. */
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

if (require.main === module) {
  measureCodeQuality()
    .then((r) => console.log(formatQuality(r).join("\n")))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
