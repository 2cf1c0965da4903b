import { writeFileAtomic } from "../../io/atomic-write";

/**
 * Predictions in the challenge's format: `{"0": r0, "1": r1, ...}`, keys in the query rows' order.
 *
 * @example
 * toSubmission(Float32Array.of(3.5, 4)); // { "0": 3.5, "1": 4 }
 */
export function toSubmission(predictions: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < predictions.length; i++)
    out[String(i)] = Math.round(predictions[i] * 1e6) / 1e6;
  return out;
}

/**
 * The JSON text of {@link toSubmission}, written directly: for a million rows it needs neither an
 * object of a million keys nor JSON.stringify over it.
 *
 * @example
 * submissionJson(Float32Array.of(3.5, 4)); // '{"0":3.5,"1":4}'
 */
export function submissionJson(predictions: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < predictions.length; i++)
    parts.push(`"${i}":${Math.round(predictions[i] * 1e6) / 1e6}`);
  return `{${parts.join(",")}}`;
}

/** Writes predictions as a challenge submission JSON file, atomically. */
export function writeSubmission(path: string, predictions: ArrayLike<number>): void {
  writeFileAtomic(path, JSON.stringify(toSubmission(predictions)) + "\n");
}
