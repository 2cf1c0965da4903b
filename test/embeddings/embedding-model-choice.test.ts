import assert from "node:assert/strict";
import { test } from "node:test";

import {
  chooseEmbeddingModel,
  DEFAULT_EMBEDDING_MODEL,
  hasLocalDefaultModel,
} from "../../src/embeddings/embedding-model-choice";
import { TINY_MODEL_DIR } from "../../src/embeddings/test-model/test-model";

test("the test model is chosen only explicitly: EMBEDDING_MODEL=test, or a caller's testModelIfMissing", () => {
  const test = chooseEmbeddingModel({ env: { EMBEDDING_MODEL: "test" } });
  assert.deepEqual([test.model, test.isTestModel], [TINY_MODEL_DIR, true]);
  assert.match(test.reason, /EMBEDDING_MODEL=test/);

  const named = chooseEmbeddingModel({ env: { EMBEDDING_MODEL: "some/folder" } });
  assert.deepEqual([named.model, named.isTestModel], ["some/folder", false]);
  // A named model wins over the caller's fallback.
  assert.equal(
    chooseEmbeddingModel({ env: { EMBEDDING_MODEL: "x" }, testModelIfMissing: true }).model,
    "x",
  );

  const plain = chooseEmbeddingModel({ env: {} });
  assert.deepEqual([plain.model, plain.isTestModel], [DEFAULT_EMBEDDING_MODEL, false]);

  const report = chooseEmbeddingModel({ env: {}, testModelIfMissing: true });
  if (hasLocalDefaultModel()) {
    assert.deepEqual([report.model, report.isTestModel], [DEFAULT_EMBEDDING_MODEL, false]);
  } else {
    assert.deepEqual([report.model, report.isTestModel], [TINY_MODEL_DIR, true]);
    assert.match(report.reason, /not available on this machine/);
  }
});
