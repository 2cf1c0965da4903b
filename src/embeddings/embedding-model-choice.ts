import { existsSync } from "node:fs";
import { join } from "node:path";

import { MODEL_CACHE_DIR } from "../io/project-paths";
import { projectEnvironment } from "../runtime/environment";
import { ensureTinyModel } from "./test-model/test-model";

/** The hub id of the model the project embeds overviews with. */
export const DEFAULT_EMBEDDING_MODEL = "Xenova/distilbert-base-uncased";

/** Environment variable naming another hub id, a local model folder, or `test`. */
export const EMBEDDING_MODEL_ENV = "EMBEDDING_MODEL";

/** The value of `$EMBEDDING_MODEL` that chooses the random-weight test model. */
export const TEST_MODEL_CHOICE = "test";

/** An embedding model to load, and whether its embeddings mean anything. */
export interface EmbeddingModelChoice {
  /** Hub id or folder to load. */
  model: string;
  /** True for the random-weight test model: its embeddings carry no meaning. */
  isTestModel: boolean;
  /** One sentence saying why this model was chosen. */
  reason: string;
}

/** True when a local copy of distilbert-base-uncased is where the embedder looks for one. */
export function hasLocalDefaultModel(): boolean {
  return [
    join(MODEL_CACHE_DIR, DEFAULT_EMBEDDING_MODEL),
    join(MODEL_CACHE_DIR, "hub", DEFAULT_EMBEDDING_MODEL),
  ].some((dir) => existsSync(join(dir, "onnx", "model.onnx")));
}

/**
 * Chooses the embedding model. `$EMBEDDING_MODEL=test` chooses the random-weight test model;
 * any other value names the model; unset, it is distilbert-base-uncased. The test model is never
 * taken silently: besides `EMBEDDING_MODEL=test`, only a caller that passes `testModelIfMissing`
 * (the notebooks, which say so in bold) gets it when distilbert-base-uncased has no local copy.
 * Everyone else loads the real model, and loading fails with an error that says how to provide it.
 *
 * @example
 * const choice = chooseEmbeddingModel(); // { model: "Xenova/distilbert-base-uncased", isTestModel: false, ... }
 * const forReport = chooseEmbeddingModel({ testModelIfMissing: true });
 */
export function chooseEmbeddingModel(
  options: { testModelIfMissing?: boolean; env?: NodeJS.ProcessEnv } = {},
): EmbeddingModelChoice {
  const fromEnv = projectEnvironment(options.env).embeddingModel;
  if (fromEnv === TEST_MODEL_CHOICE)
    return {
      model: ensureTinyModel(),
      isTestModel: true,
      reason: `${EMBEDDING_MODEL_ENV}=${TEST_MODEL_CHOICE} chooses the random-weight test model`,
    };
  if (fromEnv)
    return { model: fromEnv, isTestModel: false, reason: `${EMBEDDING_MODEL_ENV} is set` };
  if (hasLocalDefaultModel())
    return {
      model: DEFAULT_EMBEDDING_MODEL,
      isTestModel: false,
      reason: "a local copy of the model exists",
    };
  if (options.testModelIfMissing)
    return {
      model: ensureTinyModel(),
      isTestModel: true,
      reason: `${DEFAULT_EMBEDDING_MODEL} is not available on this machine (no local copy, no hub access), and the caller chose the test model for that case`,
    };
  return {
    model: DEFAULT_EMBEDDING_MODEL,
    isTestModel: false,
    reason: "the default; no local copy, so it loads from the hub",
  };
}
