import { existsSync } from "node:fs";
import { join } from "node:path";

import { DEFAULT_EMBEDDING_MODEL, EMBEDDING_MODEL_ENV } from "./overview-embedder";
import { ensureTinyModel } from "./test-model";
import { MODEL_CACHE_DIR } from "./tokenizer";

/** The embedding model a report runs with, and whether its embeddings mean anything. */
export interface ReportModel {
  /** Hub id or folder to load. */
  model: string;
  /** True for the random-weight test model: its embeddings carry no meaning. */
  isTestModel: boolean;
  /** One sentence saying why this model was chosen. */
  reason: string;
}

/**
 * Chooses the embedding model for notebooks, explicitly and visibly (the embedding module itself
 * never falls back): `$EMBEDDING_MODEL` when set; else distilbert-base-uncased when a local copy
 * exists; else, so that reports still run offline, the tiny random-weight test model, flagged.
 */
export function chooseReportModel(): ReportModel {
  const fromEnv = process.env[EMBEDDING_MODEL_ENV];
  if (fromEnv)
    return { model: fromEnv, isTestModel: false, reason: `${EMBEDDING_MODEL_ENV} is set` };
  const local = [
    join(MODEL_CACHE_DIR, DEFAULT_EMBEDDING_MODEL),
    join(MODEL_CACHE_DIR, "hub", DEFAULT_EMBEDDING_MODEL),
  ];
  if (local.some((dir) => existsSync(join(dir, "onnx", "model.onnx")))) {
    return {
      model: DEFAULT_EMBEDDING_MODEL,
      isTestModel: false,
      reason: "a local copy of the model exists",
    };
  }
  return {
    model: ensureTinyModel(),
    isTestModel: true,
    reason: `${DEFAULT_EMBEDDING_MODEL} is not available on this machine: no local copy, no hub access`,
  };
}
