import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { deserialize, serialize } from "node:v8";

import { projectEnvironment } from "../runtime/environment";
import { writeFileAtomic } from "./atomic-write";
import { filesUnder } from "./files-under";
import { CACHE_DIR, PROJECT_ROOT } from "./project-paths";

/**
 * Where {@link cachedResult} keeps its entries, one file per key, written by Node's structured
 * serialiser (`v8.serialize`): every typed array, NaN, Infinity, Map, Set and Date comes back as
 * it went in, which JSON would turn into plain objects, nulls and strings.
 */
export const RESULT_CACHE_DIR = join(CACHE_DIR, "results");

/** What a computation's result is keyed on, besides the project's code. */
export interface ResultKey {
  /** A name for messages, e.g. "interaction [8] on ee1e1d5f36". */
  label: string;
  /** Every setting the result depends on (design, options, seed, backend); functions are ignored. */
  settings: unknown;
  /** The exact numeric inputs (training and validation arrays). */
  inputs: ArrayBufferView[];
}

/** How a result was obtained: computed now, or read back from the cache. */
export interface CachedResult<T> {
  value: T;
  reused: boolean;
  /** Seconds the computation took when it ran (now, or when it was cached). */
  seconds: number;
  /** When the value was computed, ISO 8601. */
  computedAt: string;
}

/** The words every reuse message contains, so that a report can count its reused results. */
export const REUSED_MARK = "reused the cached result";

/**
 * A digest of every file under `src/` plus `package-lock.json`: any edit to the code or a change of
 * library version gives new keys, so a cached result can never outlive the code that made it. Read
 * anew at every call (a few milliseconds): a live kernel outlives edits to `src/`.
 */
export function sourceDigest(): string {
  const hash = createHash("sha256");
  for (const file of [
    ...filesUnder(join(PROJECT_ROOT, "src")),
    join(PROJECT_ROOT, "package-lock.json"),
  ]) {
    hash.update(relative(PROJECT_ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** The cache key: settings, input bytes and the code digest, hashed together. */
export function resultKey(key: ResultKey): string {
  const hash = createHash("sha256");
  hash
    .update(key.label)
    .update("\0")
    .update(JSON.stringify(key.settings) ?? "")
    .update("\0");
  for (const a of key.inputs) {
    hash.update(String(a.byteLength)).update(":");
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.update("\0").update(sourceDigest()).digest("hex");
}

/**
 * Runs `compute` once per distinct key and keeps its result in `.cache/results/`; later
 * calls with the same settings, inputs and code read it back instead of recomputing. Prints one
 * line saying which happened. `RESULT_CACHE=off` always computes (and stores nothing). An entry that
 * cannot be read is recomputed, never trusted.
 *
 * @example
 * const { value } = await cachedResult(
 *   { label: "interaction on ee1e1d5f36", settings: { design, options }, inputs: [train.x, train.y] },
 *   () => runInteraction(train, val, design, options).then((r) => r.result),
 * );
 */
export async function cachedResult<T>(
  key: ResultKey,
  compute: () => Promise<T>,
  log: (line: string) => void = console.log,
): Promise<CachedResult<T>> {
  const enabled = projectEnvironment().resultCache;
  const file = join(RESULT_CACHE_DIR, `${resultKey(key)}.v8`);
  if (enabled) {
    try {
      const entry = deserialize(readFileSync(file)) as CachedResult<T>;
      log(
        `${key.label}: ${REUSED_MARK} computed ${entry.computedAt} ` +
          `(${entry.seconds.toFixed(0)} s then; same data, settings and code)`,
      );
      return { ...entry, reused: true };
    } catch {
      // no entry, or one that cannot be read: compute
    }
  }
  const started = Date.now();
  const value = await compute();
  const entry = {
    value,
    reused: false,
    seconds: (Date.now() - started) / 1000,
    computedAt: new Date().toISOString(),
  };
  if (enabled) writeFileAtomic(file, serialize(entry));
  return entry;
}
