import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { API_REFERENCE_FILE, apiReference } from "../../src/server/api-reference";
import { SERVE_ENVIRONMENT } from "../../src/server/serve-config";
import { API_ERRORS } from "../../src/server/service-error";

test("docs/api.md is what the server's code generates (npm run docs:api)", () => {
  assert.equal(readFileSync(API_REFERENCE_FILE, "utf8"), apiReference());
});

test("the reference names every error code and every environment variable", () => {
  const page = apiReference();
  for (const [code, e] of Object.entries(API_ERRORS))
    assert.match(page, new RegExp(`\\| ${e.status} \\| \`${code}\` \\|`), code);
  for (const v of SERVE_ENVIRONMENT) assert.ok(page.includes(`\`${v.name}\``), v.name);
});
