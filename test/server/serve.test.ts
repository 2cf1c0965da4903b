import assert from "node:assert/strict";
import { test } from "node:test";

import { serveConfig } from "../../src/server/serve";

test("serveConfig: the challenge's defaults, overridable, bad values named", () => {
  const d = serveConfig({});
  assert.equal(d.host, "127.0.0.1");
  assert.equal(d.port, 9876);
  assert.equal(d.moviesCsv, "data/ratings/df_movies.csv");
  assert.equal(d.bodyLimit, 32 * 1024 * 1024);
  const c = serveConfig({
    HOST: "0.0.0.0",
    PORT: "8000",
    MAX_UPLOAD_MB: "1",
    MODEL_DIR: "elsewhere/models",
  });
  assert.deepEqual(
    [c.host, c.port, c.bodyLimit, c.modelDir],
    ["0.0.0.0", 8000, 1048576, "elsewhere/models"],
  );
  assert.throws(
    () => serveConfig({ PORT: "http" }),
    /PORT must be an integer in \[0, 65535\], got http/,
  );
  assert.throws(
    () => serveConfig({ MAX_UPLOAD_MB: "-3" }),
    /MAX_UPLOAD_MB must be a positive number/,
  );
});
