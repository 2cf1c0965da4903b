import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { readNpy, writeNpy } from "../io/npz";
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

interface CacheIndex {
  model: string;
  dtype: string;
  dim: number;
  /** `keys[i]` is the hash of the text stored in row i of vectors.npy. */
  keys: string[];
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

/**
 * Embeds texts through an on-disk cache keyed by model, dtype and a hash of each text: a rerun
 * computes nothing, an edited text computes only its own row. The cache is `vectors.npy`
 * (rows × dim, float32) plus `index.json`, each written atomically (vectors first).
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
  const { index, vectors: stored } = readCache(dir, embedder);
  const rowOf = new Map(index.keys.map((k, i) => [k, i]));
  const keys = texts.map(textKey);
  const missing = [...new Set(keys.filter((k) => !rowOf.has(k)))];
  const dim = embedder.dim;
  let all = stored;
  if (missing.length > 0) {
    const textOf = new Map(keys.map((k, i) => [k, texts[i]]));
    const tick = options.quiet
      ? undefined
      : progress(`embedding with ${embedder.model} (${embedder.dtype})`, missing.length);
    const fresh = await embedder.embed(
      missing.map((k) => textOf.get(k)!),
      { batchSize: options.batchSize, onBatch: tick },
    );
    all = new Float32Array(stored.length + fresh.length);
    all.set(stored);
    all.set(fresh, stored.length);
    missing.forEach((k) => rowOf.set(k, index.keys.push(k) - 1));
    writeNpy(join(dir, "vectors.npy"), { data: all, shape: [index.keys.length, dim], dtype: "f4" });
    writeFileAtomic(join(dir, "index.json"), JSON.stringify(index));
  }
  const vectors = new Float32Array(texts.length * dim);
  keys.forEach((k, i) => {
    const r = rowOf.get(k)!;
    vectors.set(all.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  const computedKeys = new Set(missing);
  return {
    vectors,
    dim,
    hits: keys.filter((k) => !computedKeys.has(k)).length,
    computed: missing.length,
  };
}

function readCache(
  dir: string,
  embedder: OverviewEmbedder,
): { index: CacheIndex; vectors: Float32Array } {
  const empty = {
    index: { model: embedder.model, dtype: embedder.dtype, dim: embedder.dim, keys: [] },
    vectors: new Float32Array(0),
  };
  const indexPath = join(dir, "index.json");
  if (!existsSync(indexPath)) return empty;
  try {
    const index = JSON.parse(readFileSync(indexPath, "utf8")) as CacheIndex;
    const arr = readNpy(join(dir, "vectors.npy"));
    // vectors.npy is written before index.json, so it may hold more rows than the index names.
    if (
      index.dim !== embedder.dim ||
      arr.shape[1] !== index.dim ||
      arr.shape[0] < index.keys.length
    ) {
      throw new Error(
        `index and vectors disagree (dim ${index.dim} vs ${arr.shape[1]}, rows ${index.keys.length} vs ${arr.shape[0]})`,
      );
    }
    return { index, vectors: (arr.data as Float32Array).slice(0, index.keys.length * index.dim) };
  } catch (err) {
    console.warn(
      `embedding cache ${dir} is unreadable (${(err as Error).message}); recomputing it`,
    );
    return empty;
  }
}
