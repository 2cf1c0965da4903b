import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { scoreAgainstLabels } from "../../src/challenge/label-score";

const labelsPath = join(mkdtempSync(join(tmpdir(), "labels-")), "labels.csv");
writeFileSync(labelsPath, "userId,movieId,rating\n1,10,4\n2,20,2.5\n3,30,5\n");

test("scoreAgainstLabels matches predictions to labels by (user, movie) and names a missing one", () => {
  const queries = { userId: Int32Array.of(2, 1), movieId: Int32Array.of(20, 10) };
  const exact = { "0": 2.5, "1": 4 };
  assert.equal(scoreAgainstLabels(exact, queries, labelsPath), 0);
  assert.equal(
    scoreAgainstLabels({ "0": exact["0"] + 1, "1": exact["1"] }, queries, labelsPath),
    0.5,
  );
  assert.throws(
    () =>
      scoreAgainstLabels(
        exact,
        { userId: Int32Array.of(1), movieId: Int32Array.of(-5) },
        labelsPath,
      ),
    /no label for query row 1 \(user 1, movie -5\)/,
  );
});
