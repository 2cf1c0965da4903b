import assert from "node:assert/strict";
import { test } from "node:test";

import { countTokens, loadBertUncasedTokenizer } from "../../src/embeddings/tokenizer";

test("the offline tokenizer gives bert-base-uncased's ids", async () => {
  const tok = await loadBertUncasedTokenizer();
  // Ids as the hub's bert-base-uncased tokenizer gives them: [CLS] hello , world ! una ##ffa ##ble cafe [SEP]
  assert.deepEqual(
    tok.encode("Hello, world! Unaffable café"),
    [101, 7592, 1010, 2088, 999, 14477, 20961, 3468, 7668, 102],
  );
  assert.deepEqual(await countTokens(["", "a b"]), [2, 4]);
});
