import assert from "node:assert/strict";
import { test } from "node:test";

import { projectEnvironment } from "../../src/runtime/environment";

test("projectEnvironment: defaults, each variable read, bad values named", () => {
  assert.deepEqual(projectEnvironment({}), {
    quick: false,
    resultCache: true,
    tfBackend: undefined,
    chromium: "/usr/bin/chromium",
    embeddingModel: undefined,
    embeddingDtype: undefined,
    hubOffline: false,
  });
  const set = projectEnvironment({
    REPORT_QUICK: "1",
    RESULT_CACHE: "off",
    TF_BACKEND: "cpu",
    CHROMIUM: "/opt/chrome",
    EMBEDDING_MODEL: "test",
    EMBEDDING_DTYPE: "q8",
    HF_HUB_OFFLINE: "1",
  });
  assert.deepEqual(
    [
      set.quick,
      set.resultCache,
      set.tfBackend,
      set.chromium,
      set.embeddingModel,
      set.embeddingDtype,
      set.hubOffline,
    ],
    [true, false, "cpu", "/opt/chrome", "test", "q8", true],
  );
  assert.throws(
    () => projectEnvironment({ REPORT_QUICK: "yes" }),
    /REPORT_QUICK must be one of 0, 1, got "yes"/,
  );
  assert.throws(
    () => projectEnvironment({ EMBEDDING_DTYPE: "fp16" }),
    /EMBEDDING_DTYPE must be one of fp32, q8/,
  );
  assert.throws(
    () => projectEnvironment({ RESULT_CACHE: "false" }),
    /RESULT_CACHE must be one of on, off/,
  );
});
