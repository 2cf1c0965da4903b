import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DOCS_DIR } from "../../io/project-paths";
import type { DesignName } from "../model/designs";
import type { InteractionConfig } from "../model/interaction-layer";
import { FIELD_PARTS, PAIR_INPUTS, PAIR_OUTPUTS } from "../model/network-parts";
import { partsOf } from "../model/network-surgery";

/** One row of `npm run bench:generality`: a design on a data set, with the linear baseline. */
export interface GeneralityRow {
  set: string;
  kind: "zoo" | "public";
  /** A {@link DesignName}, or a retired design's name in tables of earlier runs. */
  design: string;
  params: number;
  valMse: number;
  valScore: number;
  /** The score at the noise floor, MSE 1e-4, for this parameter count: 1e5 / sqrt(params). */
  ceiling: number;
  linearScore: number;
  seconds: number;
  epochs: number;
  /** For a design sized to the data: the structure kept (see keptStructure). */
  kept?: string;
  /** For a design sized to the data: the configuration kept. */
  keptConfig?: InteractionConfig;
  /** For a design sized to the data: the broad network's weights and validation score. */
  fullParams?: number;
  fullScore?: number;
}

/** What `npm run bench:generality -- --out FILE` writes. */
export interface GeneralityTable {
  epochs: number;
  rows: GeneralityRow[];
  /** The command, date, machine and commit of the run (absent in tables of earlier runs). */
  measured?: {
    command: string;
    on: string;
    /** The run's wall time, in seconds (absent in tables of earlier runs). */
    seconds?: number;
    /**
     * Seconds the workers spent, added up, getting the data sets: simulating the laws of the zoo
     * not yet cached, and reading every set (absent in tables of earlier runs).
     */
    dataSeconds?: number;
    /**
     * The machine's speed before and after the run: µs per sample-evaluation of the substep
     * design's kernel, forward + backward, on one thread (bench/kernel-workload.ts). The wall
     * time compares with another run's only beside it.
     */
    yardstick?: { before: number; after: number };
  };
}

/** Where the measured table is kept with the code, for notebook 04. */
export const GENERALITY_FILE = join(DOCS_DIR, "generality.json");

/**
 * The table of the CLI's design on the laws the zoo grew by (breadth-laws.ts), written by
 * `npm run bench:generality -- --sets <those laws> --out docs/generality-breadth-laws.json`.
 */
export const BREADTH_GENERALITY_FILE = join(DOCS_DIR, "generality-breadth-laws.json");

/** Reads a table written by `npm run bench:generality -- --out FILE`. */
export function readGenerality(path = GENERALITY_FILE): GeneralityTable {
  return JSON.parse(readFileSync(path, "utf8")) as GeneralityTable;
}

/**
 * A design's lowest score over the table's sets, where it is, its median, and how many sets reach
 * `threshold`.
 *
 * @example
 * generalitySummary(readGenerality(), "substep"); // { min: 9123, at: "morse", ... }
 */
export function generalitySummary(
  table: GeneralityTable,
  design: string,
  threshold = 9000,
): { min: number; at: string; median: number; reaching: number; sets: number } {
  const rows = table.rows.filter((r) => r.design === design);
  if (rows.length === 0) throw new Error(`no rows of design ${design} in the generality table`);
  const worst = rows.reduce((a, b) => (b.valScore < a.valScore ? b : a));
  const scores = rows.map((r) => r.valScore).sort((a, b) => a - b);
  const mid = scores.length / 2;
  const median = scores.length % 2 ? scores[Math.floor(mid)] : (scores[mid - 1] + scores[mid]) / 2;
  return {
    min: worst.valScore,
    at: worst.set,
    median,
    reaching: rows.filter((r) => r.valScore >= threshold).length,
    sets: rows.length,
  };
}

/**
 * The measured table by set: this design's score, its noise-floor ceiling, the earlier and the
 * candidate design's where the table has them, and the linear baseline's, as table rows.
 *
 * @example
 * showTable(generalityRows(readGenerality()));
 */
export function generalityRows(
  table: GeneralityTable,
  design: DesignName = "substep",
  earlier = "inverse-square",
  candidate: DesignName = "plain",
): Record<string, string | number>[] {
  const of = (d: string, set: string) => table.rows.find((r) => r.design === d && r.set === set);
  const has = (d: string) => table.rows.some((r) => r.design === d);
  return [...new Set(table.rows.map((r) => r.set))].map((set) => ({
    set,
    "this design": Math.round(of(design, set)!.valScore),
    ceiling: Math.round(of(design, set)!.ceiling),
    ...(has(earlier) ? { "earlier design": Math.round(of(earlier, set)?.valScore ?? NaN) } : {}),
    ...(has(candidate) ? { candidate: Math.round(of(candidate, set)?.valScore ?? NaN) } : {}),
    linear: Math.round(of(design, set)!.linearScore),
  }));
}

/**
 * One design's points for a score-against-parameters chart: x the parameters, y the validation
 * score, each labelled with its set.
 *
 * @example
 * scatterChart([generalitySeries(table, "substep", "this design")], { title: "Score" });
 */
export function generalitySeries(
  table: GeneralityTable,
  design: string,
  name: string,
): { name: string; x: number[]; y: number[]; text: string[] } {
  const rows = table.rows.filter((r) => r.design === design);
  return {
    name,
    x: rows.map((r) => r.params),
    y: rows.map((r) => r.valScore),
    text: rows.map((r) => r.set),
  };
}

/** The columns of {@link partsKeptMatrix}: every part of the vocabulary, pair inputs first. */
export const PART_COLUMNS: string[] = [
  ...PAIR_INPUTS.map((i) => `in ${i}`),
  "in axis",
  ...PAIR_OUTPUTS.map((o) => `out ${o}`),
  "out axis",
  "factors",
  "three-body",
  ...FIELD_PARTS.map((f) => `field ${f}`),
  "inertia",
];

/** The parts a kept configuration holds, as {@link PART_COLUMNS} names. */
export function partsKept(config: InteractionConfig): string[] {
  const p = partsOf(config);
  const axisless = (n: string) => (n.startsWith("axis") ? "axis" : n);
  return [
    ...new Set([
      ...p.inputs.map((i) => `in ${axisless(i)}`),
      ...p.outputs.map((o) => `out ${axisless(o)}`),
      ...(config.factors ? ["factors"] : []),
      ...(p.triplet ? ["three-body"] : []),
      ...p.field.map((f) => `field ${f}`),
      ...(p.inertia ? ["inertia"] : []),
    ]),
  ];
}

/**
 * Which parts a sized design kept on each set: one row per set (1 kept, 0 removed), one column
 * per part of {@link PART_COLUMNS}, for a picture of parts against laws.
 *
 * @example
 * const m = partsKeptMatrix(readGenerality(), "broad");
 * await showPlot(heatmapChart(m.parts, m.sets, m.kept, { title: "Parts kept" }));
 */
export function partsKeptMatrix(
  table: GeneralityTable,
  design: string,
): { sets: string[]; parts: string[]; kept: number[][] } {
  const rows = table.rows.filter((r) => r.design === design && r.keptConfig);
  return {
    sets: rows.map((r) => r.set),
    parts: PART_COLUMNS,
    kept: rows.map((r) => {
      const kept = partsKept(r.keptConfig!);
      return PART_COLUMNS.map((c) => (kept.includes(c) ? 1 : 0));
    }),
  };
}

/** Where `npm run bench:generality -- --designs broad --out …` keeps the sized design's table. */
export const SIZED_GENERALITY_FILE = join(DOCS_DIR, "generality-broad.json");

/**
 * A sized design's table by set: the structure it kept, its weights, validation score, the
 * noise-floor ceiling of that size, the broad network's score before pruning, and another
 * design's score on the same set from `others` (the tables it was measured in).
 *
 * @example
 * showTable(sizedRows(readGenerality(SIZED_GENERALITY_FILE), "broad", [readGenerality()], "substep"));
 */
export function sizedRows(
  table: GeneralityTable,
  design: string,
  others: GeneralityTable[],
  other: string,
): Record<string, string | number>[] {
  const otherRows = others.flatMap((t) => t.rows.filter((r) => r.design === other));
  return table.rows
    .filter((r) => r.design === design)
    .map((r) => ({
      set: r.set,
      kept: r.kept ?? "",
      params: r.params,
      "val MSE": r.valMse,
      score: Math.round(r.valScore),
      ceiling: Math.round(r.ceiling),
      "broad network": r.fullScore === undefined ? "" : Math.round(r.fullScore),
      [other]: Math.round(otherRows.find((o) => o.set === r.set)?.valScore ?? NaN),
    }));
}
