import { projectEnvironment } from "./environment";

/**
 * True when notebooks run on small settings (`REPORT_QUICK=1`, set by `npm run report -- --quick`
 * and by `npm test`), so CI executes every notebook in minutes.
 */
export function isQuick(): boolean {
  return projectEnvironment().quick;
}

/** Picks the full-size setting, or the small one in quick mode. */
export function quickOr<T>(full: T, quick: T): T {
  return isQuick() ? quick : full;
}
