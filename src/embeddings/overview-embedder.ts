import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

import { env, type FeatureExtractionPipeline, pipeline } from "@huggingface/transformers";

import { MODEL_CACHE_DIR } from "../io/project-paths";
import { projectEnvironment } from "../runtime/environment";
import {
  chooseEmbeddingModel,
  DEFAULT_EMBEDDING_MODEL,
  EMBEDDING_MODEL_ENV,
  TEST_MODEL_CHOICE,
} from "./embedding-model-choice";

/** Weights to run: full precision, or int8 with dynamic activation quantization. */
export type EmbeddingDtype = "fp32" | "q8";

/** How to load an {@link OverviewEmbedder}. */
export interface EmbedderOptions {
  /** Hub id or local folder; default: {@link chooseEmbeddingModel}'s choice (distilbert-base-uncased unless `$EMBEDDING_MODEL` says otherwise). */
  model?: string;
  /** Default `$EMBEDDING_DTYPE`, else `fp32`. */
  dtype?: EmbeddingDtype;
  /** Never contact the hub (also with `HF_HUB_OFFLINE=1`). */
  offline?: boolean;
}

/** Raised when the embedding model cannot be loaded; says where it looked and how to provide it. */
export class EmbeddingModelError extends Error {
  override name = "EmbeddingModelError";
}

const pipelines = new Map<string, Promise<FeatureExtractionPipeline>>();

/**
 * Embeds texts with a transformers.js feature-extraction pipeline: mean pooling over tokens under
 * the attention mask (DistilBERT has no pooler), truncation at the model's maximum length. The
 * pipeline is created once per (model, dtype) and reused.
 *
 * @example
 * const embedder = await OverviewEmbedder.load();
 * const vectors = await embedder.embed(["A boy finds a dragon."]); // Float32Array of 1 × 768
 */
export class OverviewEmbedder {
  /** Texts this embedder has run through the model so far (cache hits do not count). */
  textsEmbedded = 0;

  private constructor(
    /** The model id or folder. */
    readonly model: string,
    /** Which weights run. */
    readonly dtype: EmbeddingDtype,
    /** Length of each embedding. */
    readonly dim: number,
    private readonly pipe: FeatureExtractionPipeline,
  ) {}

  /** Loads (or reuses) the pipeline; throws {@link EmbeddingModelError} when the model is not available. */
  static async load(options: EmbedderOptions = {}): Promise<OverviewEmbedder> {
    const model = options.model ?? chooseEmbeddingModel().model;
    const env = projectEnvironment();
    const dtype = options.dtype ?? env.embeddingDtype ?? "fp32";
    const offline = options.offline ?? env.hubOffline;
    const key = `${model}|${dtype}|${offline}`;
    if (!pipelines.has(key)) pipelines.set(key, openPipeline(model, dtype, offline));
    let pipe: FeatureExtractionPipeline;
    try {
      pipe = await pipelines.get(key)!;
    } catch (err) {
      pipelines.delete(key);
      throw err;
    }
    const probe = await pipe(["probe"], { pooling: "mean", normalize: false });
    return new OverviewEmbedder(model, dtype, probe.dims[1], pipe);
  }

  /**
   * Embeds texts in batches (sorted by length so little padding is computed); returns a
   * row-major (texts × dim) matrix in input order. `onBatch` gets the number of texts done.
   */
  async embed(
    texts: readonly string[],
    options: { batchSize?: number; onBatch?: (done: number) => void } = {},
  ): Promise<Float32Array> {
    const batchSize = options.batchSize ?? 16;
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const out = new Float32Array(texts.length * this.dim);
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const result = await this.pipe(
        idx.map((i) => texts[i]),
        { pooling: "mean", normalize: false },
      );
      const data = result.data as Float32Array;
      idx.forEach((row, k) =>
        out.set(data.subarray(k * this.dim, (k + 1) * this.dim), row * this.dim),
      );
      this.textsEmbedded += idx.length;
      options.onBatch?.(Math.min(order.length, s + batchSize));
    }
    return out;
  }
}

async function openPipeline(
  model: string,
  dtype: EmbeddingDtype,
  offline: boolean,
): Promise<FeatureExtractionPipeline> {
  const isFolder = existsSync(model) && statSync(model).isDirectory();
  const localRoot = isFolder ? dirname(resolve(model)) : MODEL_CACHE_DIR;
  const id = isFolder ? basename(resolve(model)) : model;
  env.localModelPath = localRoot + "/";
  env.allowLocalModels = true;
  env.allowRemoteModels = !isFolder && !offline;
  env.cacheDir = join(MODEL_CACHE_DIR, "hub");
  try {
    return (await pipeline("feature-extraction", id, { dtype })) as FeatureExtractionPipeline;
  } catch (err) {
    const cause = (err as Error).message.split("\n")[0];
    const places = isFolder
      ? `the folder ${resolve(model)}`
      : `${join(localRoot, id)} (local copy), ${env.cacheDir} (download cache)` +
        (env.allowRemoteModels
          ? ", then the Hugging Face hub (unreachable)"
          : "; the hub was not tried (offline)");
    throw new EmbeddingModelError(
      `could not load the embedding model "${model}" (${dtype}): ${cause}\n` +
        `  looked in: ${places}\n` +
        `  to provide it: copy the model folder (config.json, tokenizer.json, tokenizer_config.json, ` +
        `onnx/model${dtype === "q8" ? "_quantized" : ""}.onnx) to ${join(MODEL_CACHE_DIR, DEFAULT_EMBEDDING_MODEL)}, ` +
        `or set ${EMBEDDING_MODEL_ENV}=/path/to/folder, or run once where the hub is reachable. ` +
        `(${EMBEDDING_MODEL_ENV}=${TEST_MODEL_CHOICE} runs a random-weight test model instead: the pipeline is real, the embeddings mean nothing.)`,
    );
  }
}
