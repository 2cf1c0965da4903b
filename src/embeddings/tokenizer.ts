import { join } from "node:path";

import { AutoTokenizer, env, type PreTrainedTokenizer } from "@huggingface/transformers";

import { MODEL_CACHE_DIR } from "../io/project-paths";
import { BERT_MAX_LENGTH, writeBertTokenizerFiles } from "./bert-tokenizer-files";

let bertTokenizer: Promise<PreTrainedTokenizer> | undefined;

/**
 * The uncased BERT WordPiece tokenizer that `distilbert-base-uncased` uses, built offline from the
 * shipped vocabulary (no hub download), created once and reused.
 *
 * @example
 * const tok = await loadBertUncasedTokenizer();
 * tok("Hello world").input_ids; // [[101, 7592, 2088, 102]]
 */
export function loadBertUncasedTokenizer(): Promise<PreTrainedTokenizer> {
  bertTokenizer ??= (async () => {
    const dir = join(MODEL_CACHE_DIR, "bert-base-uncased-tokenizer");
    writeBertTokenizerFiles(dir);
    const previous = { local: env.localModelPath, remote: env.allowRemoteModels };
    env.localModelPath = MODEL_CACHE_DIR + "/";
    env.allowRemoteModels = false;
    try {
      return await AutoTokenizer.from_pretrained("bert-base-uncased-tokenizer");
    } finally {
      env.localModelPath = previous.local;
      env.allowRemoteModels = previous.remote;
    }
  })();
  return bertTokenizer;
}

/** Number of WordPiece tokens of each text, [CLS] and [SEP] included, before any truncation. */
export async function countTokens(texts: readonly string[]): Promise<number[]> {
  const tok = await loadBertUncasedTokenizer();
  return texts.map((t) => tok.encode(t).length);
}

/** True when a text has more tokens than (Distil)BERT reads; the rest is cut off. */
export function isTruncated(tokenCount: number): boolean {
  return tokenCount > BERT_MAX_LENGTH;
}
