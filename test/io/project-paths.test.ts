import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import {
  particleDataFile,
  PARTICLES_DIR,
  PROJECT_ROOT,
  RATINGS_DIR,
} from "../../src/io/project-paths";

test("project paths point into this checkout, whatever the working directory", () => {
  assert.ok(existsSync(join(PROJECT_ROOT, "package.json")));
  assert.ok(existsSync(join(RATINGS_DIR, "df_movies.csv")));
  assert.ok(existsSync(join(PARTICLES_DIR, "5bf4506e86.npz")));
  assert.equal(particleDataFile("5bf4506e86"), join(PARTICLES_DIR, "5bf4506e86.npz"));
  const cwd = process.cwd();
  try {
    process.chdir("/");
    // Modules already loaded keep their absolute paths; the files are still found.
    assert.ok(existsSync(join(RATINGS_DIR, "df_train.csv")));
  } finally {
    process.chdir(cwd);
  }
});
