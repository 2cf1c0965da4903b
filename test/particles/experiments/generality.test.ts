import assert from "node:assert/strict";
import { test } from "node:test";

import {
  type GeneralityRow,
  generalityRows,
  generalitySeries,
  generalitySummary,
  readGenerality,
} from "../../../src/particles/experiments/generality";

const row = (set: string, design: GeneralityRow["design"], valScore: number): GeneralityRow => ({
  set,
  kind: "zoo",
  design,
  params: 96,
  valMse: 1e-4,
  valScore,
  ceiling: 1e5 / Math.sqrt(96),
  linearScore: 500,
  seconds: 1,
  epochs: 1,
});

test("the summary names a design's lowest set, its median and how many reach the threshold", () => {
  const table = {
    epochs: 1,
    rows: [
      row("a", "substep", 9500),
      row("b", "substep", 8000),
      row("c", "substep", 12000),
      row("a", "inverse-square", 3000),
    ],
  };
  assert.deepEqual(generalitySummary(table, "substep"), {
    min: 8000,
    at: "b",
    median: 9500,
    reaching: 2,
    sets: 3,
  });
  assert.throws(
    () => generalitySummary({ epochs: 1, rows: [] }, "substep"),
    /no rows of design substep/,
  );
});

test("the committed benchmark table covers both designs on the same sets", () => {
  const table = readGenerality();
  const sets = (d: string) =>
    table.rows
      .filter((r) => r.design === d)
      .map((r) => r.set)
      .sort();
  assert.ok(sets("substep").length >= 18, `${sets("substep").length} sets`);
  assert.deepEqual(sets("substep"), sets("inverse-square"));
});

test("generalityRows and generalitySeries read the table by set and by design", () => {
  const table = {
    epochs: 1,
    rows: [row("a", "substep", 9000), row("a", "inverse-square", 3000), row("b", "substep", 8000)],
  };
  table.rows.push(row("b", "inverse-square", 2500));
  assert.deepEqual(generalityRows(table)[1], {
    set: "b",
    "this design": 8000,
    ceiling: Math.round(1e5 / Math.sqrt(96)),
    "earlier design": 2500,
    linear: 500,
  });
  assert.equal("candidate" in generalityRows(table)[0], false);
  const onlyThis = { epochs: 36, rows: table.rows.filter((r) => r.design === "substep") };
  assert.equal("earlier design" in generalityRows(onlyThis)[0], false);
  table.rows.push(row("a", "plain", 9500));
  assert.deepEqual(
    generalityRows(table).map((r) => r.candidate),
    [9500, NaN],
  );
  assert.deepEqual(generalitySeries(table, "inverse-square", "earlier"), {
    name: "earlier",
    x: [96, 96],
    y: [3000, 2500],
    text: ["a", "b"],
  });
});
