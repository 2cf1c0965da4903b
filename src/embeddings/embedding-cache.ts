import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

import { readNpz, writeNpz } from "../io/npz";
import { EMBEDDING_CACHE_DIR } from "../io/project-paths";
import { progress } from "../runtime/progress";
import type { OverviewEmbedder } from "./overview-embedder";

/** What {@link embedWithCache} returns. */
export interface CachedEmbeddings {
  /** Row-major (texts × dim) matrix in input order. */
  vectors: Float32Array;
  dim: number;
  /** Texts found in the cache. */
  hits: number;
  /** Texts the model had to embed. */
  computed: number;
}

/** The cache key of a text: sha256 of its UTF-8 bytes, shortened. */
export function textKey(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 32);
}

/** The cache folder of one model and dtype. */
export function cacheFolder(
  embedder: Pick<OverviewEmbedder, "model" | "dtype">,
  root = EMBEDDING_CACHE_DIR,
): string {
  const slug =
    resolve(embedder.model) === embedder.model
      ? embedder.model.split("/").slice(-2).join("__")
      : embedder.model.replace(/[/\\]/g, "__");
  return join(root, `${slug}__${embedder.dtype}`);
}

/** Characters of a text's key ({@link textKey}): the width of a row of the `keys` array. */
const KEY_LENGTH = 32;
/** The cache's one file: vectors and their keys together, so neither can outlive the other. */
const CACHE_FILE = "embeddings.npz";

/**
 * Embeds texts through an on-disk cache keyed by model, dtype and a hash of each text: a rerun
 * computes nothing, an edited text computes only its own row. The cache is one file,
 * `embeddings.npz` (`vectors`, rows × dim float32, and `keys`, rows × 32 ASCII bytes), written
 * atomically, so a reader sees each vector with its own key. Before writing, rows that another
 * process added meanwhile are read back and kept, so two processes embedding different texts into
 * one cache keep both.
 *
 * @example
 * const { vectors, computed } = await embedWithCache(movies.map((m) => m.overview), embedder);
 */
export async function embedWithCache(
  texts: readonly string[],
  embedder: OverviewEmbedder,
  options: { root?: string; batchSize?: number; quiet?: boolean } = {},
): Promise<CachedEmbeddings> {
  const dir = cacheFolder(embedder, options.root);
  const dim = embedder.dim;
  const cache = readCache(dir, dim);
  const keys = texts.map(textKey);
  const missing = [...new Set(keys.filter((k) => !cache.has(k)))];
  if (missing.length > 0) {
    const textOf = new Map(keys.map((k, i) => [k, texts[i]]));
    const tick = options.quiet
      ? undefined
      : progress(`embedding with ${embedder.model} (${embedder.dtype})`, missing.length);
    const fresh = await embedder.embed(
      missing.map((k) => textOf.get(k)!),
      { batchSize: options.batchSize, onBatch: tick },
    );
    missing.forEach((k, i) => cache.set(k, fresh.subarray(i * dim, (i + 1) * dim)));
    writeCache(dir, dim, cache);
  }
  const vectors = new Float32Array(texts.length * dim);
  keys.forEach((k, i) => vectors.set(cache.get(k)!, i * dim));
  const computedKeys = new Set(missing);
  return {
    vectors,
    dim,
    hits: keys.filter((k) => !computedKeys.has(k)).length,
    computed: missing.length,
  };
}

/** The cached vectors by text key; empty (with a warning) when the file is unreadable. */
function readCache(dir: string, dim: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const path = join(dir, CACHE_FILE);
  if (!existsSync(path)) return out;
  try {
    const { vectors, keys } = readNpz(path, { names: ["vectors", "keys"] });
    const n = vectors?.shape[0];
    if (
      !vectors ||
      !keys ||
      vectors.dtype !== "f4" ||
      keys.dtype !== "u1" ||
      vectors.shape[1] !== dim ||
      keys.shape[0] !== n ||
      keys.shape[1] !== KEY_LENGTH
    )
      throw new Error(`not a cache of ${dim}-dimensional vectors`);
    const text = Buffer.from(keys.data as Uint8Array).toString("latin1");
    for (let r = 0; r < n; r++)
      out.set(
        text.slice(r * KEY_LENGTH, (r + 1) * KEY_LENGTH),
        (vectors.data as Float32Array).subarray(r * dim, (r + 1) * dim),
      );
  } catch (err) {
    console.warn(
      `embedding cache ${path} is unreadable (${(err as Error).message}); recomputing it`,
    );
    out.clear();
  }
  return out;
}

/** Writes the cache, with the rows another process wrote since it was read, as one file. */
function writeCache(dir: string, dim: number, cache: Map<string, Float32Array>): void {
  for (const [k, v] of readCache(dir, dim)) if (!cache.has(k)) cache.set(k, v);
  const n = cache.size;
  const vectors = new Float32Array(n * dim);
  let r = 0;
  for (const v of cache.values()) vectors.set(v, r++ * dim);
  const keys = new Uint8Array(Buffer.from([...cache.keys()].join(""), "latin1"));
  writeNpz(join(dir, CACHE_FILE), {
    vectors: { data: vectors, shape: [n, dim], dtype: "f4" },
    keys: { data: keys, shape: [n, KEY_LENGTH], dtype: "u1" },
  });
}
