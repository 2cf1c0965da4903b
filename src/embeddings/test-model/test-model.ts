import { existsSync } from "node:fs";
import { join } from "node:path";

import { MODEL_CACHE_DIR } from "../../io/project-paths";
import { TINY_DISTILBERT, writeRandomDistilBert } from "./distilbert-onnx";

/** Folder of the tiny random-weight DistilBERT that tests and CI use instead of the hub model. */
export const TINY_MODEL_DIR = join(MODEL_CACHE_DIR, "distilbert-tiny-random");

/**
 * Generates the tiny test DistilBERT (model_type distilbert, the real uncased BERT vocabulary, the
 * hub export's input and output names, seeded random weights) unless it exists;
 * returns its folder. Its embeddings carry no meaning: they only exercise the real pipeline.
 */
export function ensureTinyModel(dir = TINY_MODEL_DIR): string {
  if (!existsSync(join(dir, "onnx", "model_quantized.onnx"))) {
    writeRandomDistilBert(dir, TINY_DISTILBERT, { seed: 1, quantized: true });
  }
  return dir;
}
