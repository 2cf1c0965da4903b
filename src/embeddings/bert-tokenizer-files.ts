import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { TOKENIZER_DIR } from "../io/project-paths";

/** The bert-base-uncased WordPiece vocabulary shipped in `data/tokenizer/` (see its PROVENANCE.md). */
export const BERT_UNCASED_VOCAB = join(TOKENIZER_DIR, "bert-base-uncased-vocab.txt");

/** Maximum sequence length of (Distil)BERT: 512 tokens including [CLS] and [SEP]. */
export const BERT_MAX_LENGTH = 512;

/**
 * Writes `tokenizer.json`, `tokenizer_config.json` and `vocab.txt` of an uncased BERT WordPiece
 * tokenizer (as `distilbert-base-uncased` has it on the hub) into `dir`, from a vocab file.
 * Skips files that already exist.
 */
export function writeBertTokenizerFiles(dir: string, vocabPath = BERT_UNCASED_VOCAB): void {
  if (existsSync(join(dir, "tokenizer.json"))) return;
  const tokens = readFileSync(vocabPath, "utf8").split("\n");
  if (tokens[tokens.length - 1] === "") tokens.pop();
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const id = (t: string): number => {
    if (!(t in vocab)) throw new Error(`${vocabPath}: no ${t} token`);
    return vocab[t];
  };
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.map((t) => ({
      id: id(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ["[CLS]", "[SEP]"].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const config = {
    tokenizer_class: "DistilBertTokenizer",
    do_lower_case: true,
    model_max_length: BERT_MAX_LENGTH,
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    mask_token: "[MASK]",
    clean_up_tokenization_spaces: true,
  };
  writeFileAtomic(join(dir, "vocab.txt"), tokens.join("\n") + "\n");
  writeFileAtomic(join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2));
  writeFileAtomic(join(dir, "tokenizer.json"), JSON.stringify(tokenizer));
}
