/**
 * `npm run bench:generality`: how well one particle design does on interaction laws it was not
 * tuned on. Trains the CLI's default design (and, with `--designs`, others) with the CLI's recipe on
 * every law of the zoo (src/particles/simulation/law-zoo.ts, simulated and cached in .cache/zoo/)
 * and on the three public sets, in worker threads over the cores, and prints per set: parameters,
 * validation MSE, score, the noise-floor ceiling 1e5 / sqrt(params) (the score at MSE 1e-4, the
 * observation noise), and linear least squares; then each design's minimum. `--out FILE` writes
 * the table as JSON (notebook 04 reads docs/generality.json). The run's wall time is recorded with
 * a yardstick of the machine's speed taken before and after it (kernelYardstick).
 */
import { writeFileSync } from "node:fs";

import { particleDataFile } from "../src/io/project-paths";
import {
  type GeneralityRow,
  generalitySummary,
  type GeneralityTable,
  readGenerality,
} from "../src/particles/experiments/generality";
import { type ModelResult } from "../src/particles/experiments/runs";
import { DEFAULT_DESIGN_NAME, DESIGN_NAMES, type DesignName } from "../src/particles/model/designs";
import { LAW_ZOO } from "../src/particles/simulation/law-zoo";
import { trainInParallel } from "../src/particles/training/job-pool";
import { DEFAULT_TRAINING } from "../src/particles/training/train";
import { measuredOn, writeResultsPage } from "../src/report/results-page";
import { parseCommandLine, wholeNumberOption } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { kernelYardstick } from "./kernel-workload";

const PUBLIC = ["5bf4506e86", "ee1e1d5f36", "22233fd544"];
const USAGE = `usage: npm run bench:generality -- [options]
  --designs LIST  designs to compare: substep (pair terms along r̂ and u), plain (substep
                  without property factors), broad (every part, sized to each set by the
                  sizing recipe; the CLI's) (default ${DEFAULT_DESIGN_NAME})
  --sets LIST     zoo laws and public hashes (default: every law of the zoo and the three public sets)
  --epochs N      epochs (default the CLI's, ${DEFAULT_TRAINING.epochs})
  --seed N        seed of the split, the initialisation and the batches, as the CLI's --seed
                  (default 0)
  --clip X        gradient clip, a multiple of the running average norm; 0 turns it off
                  (default the CLI's, ${DEFAULT_TRAINING.clipGradients})
  --workers N     worker threads (default: one per core)
  --out FILE      also write the results as JSON (notebook 04 reads docs/generality.json)
  --page FILE     write docs/results/generality.md from a JSON table written by --out, without
                  training
  --name NAME     write the results page as docs/results/NAME.md (a run over every set writes
                  docs/results/generality.md without it)
  --help          this text

A run over every set also writes docs/results/generality.md: per set and design the score, the
noise-floor ceiling and linear least squares, then each design's minimum and median.`;

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      designs: { type: "string", default: DEFAULT_DESIGN_NAME },
      sets: { type: "string" },
      epochs: { type: "string", default: String(DEFAULT_TRAINING.epochs) },
      seed: { type: "string", default: "0" },
      clip: { type: "string", default: String(DEFAULT_TRAINING.clipGradients) },
      workers: { type: "string" },
      out: { type: "string" },
      page: { type: "string" },
      name: { type: "string" },
    },
  });
  if (!args) return 0;
  const { values } = args;
  if (values.page) {
    const page = writeGeneralityPage(readGenerality(values.page), values.page, values.name);
    console.log(`wrote ${page}`);
    return 0;
  }
  const designs = values.designs.split(",") as DesignName[];
  for (const d of designs)
    if (!DESIGN_NAMES.includes(d))
      throw new Error(`--designs: unknown design ${JSON.stringify(d)}\n${USAGE}`);
  const allSets = [...LAW_ZOO.map((l) => l.name), ...PUBLIC];
  const sets = values.sets ? values.sets.split(",") : allSets;
  for (const s of sets)
    if (!allSets.includes(s)) throw new Error(`--sets: unknown set ${JSON.stringify(s)}\n${USAGE}`);
  const epochs = wholeNumberOption("epochs", values.epochs);
  const seed = wholeNumberOption("seed", values.seed);
  const clipGradients = Number(values.clip);
  if (!(clipGradients === 0 || clipGradients > 1))
    throw new Error(`--clip: expected 0 or a number above 1, not ${JSON.stringify(values.clip)}`);
  const jobs = designs.flatMap((design) =>
    sets.map((set) => ({
      file: PUBLIC.includes(set) ? particleDataFile(set) : `zoo:${set}`,
      design,
      options: { epochs, seed, clipGradients },
      linear: design === designs[0],
    })),
  );
  console.log(
    `${jobs.length} trainings (${designs.join(", ")} on ${sets.length} sets, ${epochs} epochs, seed ${seed}, clip ${clipGradients}); the CLI's design is ${DEFAULT_DESIGN_NAME}`,
  );
  const yardstickBefore = kernelYardstick();
  console.log(`yardstick: ${yardstickBefore.toFixed(2)} µs per sample-evaluation`);
  const started = Date.now();
  let done = 0;
  const replies = await trainInParallel(jobs, {
    workers: values.workers ? Number(values.workers) : undefined,
    onDone: (i, r) =>
      console.log(
        `  ${++done} of ${jobs.length}: ${jobs[i].design} on ${sets[i % sets.length]}, score ${r.result!.valScore.toFixed(0)} (${r.result!.seconds.toFixed(0)} s; ${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
      ),
  });
  const seconds = (Date.now() - started) / 1000;
  const dataSeconds = replies.reduce((sum, r) => sum + (r.dataSeconds ?? 0), 0);
  const yardstick = { before: yardstickBefore, after: kernelYardstick() };
  console.log(
    `${seconds.toFixed(0)} s (the workers spent ${dataSeconds.toFixed(0)} s in all getting the data sets); yardstick ${yardstick.before.toFixed(2)} µs before, ${yardstick.after.toFixed(2)} µs after`,
  );
  const linearOf = new Map<string, ModelResult>();
  replies.forEach((r, i) => r.linear && linearOf.set(sets[i % sets.length], r.linear));
  const rows: GeneralityRow[] = replies.map((r, i) => {
    const set = sets[i % sets.length];
    const res = r.result!;
    return {
      set,
      kind: PUBLIC.includes(set) ? "public" : "zoo",
      design: jobs[i].design,
      params: res.params,
      valMse: res.valMse,
      valScore: res.valScore,
      ceiling: 1e5 / Math.sqrt(res.params),
      linearScore: linearOf.get(set)?.valScore ?? NaN,
      seconds: res.seconds,
      epochs: res.epochs ?? epochs,
      ...(res.kept
        ? {
            kept: res.kept,
            keptConfig: res.config,
            fullParams: res.full!.params,
            fullScore: res.full!.valScore,
          }
        : {}),
    };
  });
  console.log(
    "\nset               design          params  val MSE    score  ceiling  linear  full  seconds",
  );
  for (const r of rows) {
    console.log(
      `${r.set.padEnd(17)} ${r.design.padEnd(15)} ${String(r.params).padStart(6)}  ${r.valMse.toExponential(2)} ${r.valScore.toFixed(0).padStart(6)} ${r.ceiling.toFixed(0).padStart(8)} ${r.linearScore.toFixed(0).padStart(7)} ${(r.fullScore?.toFixed(0) ?? "").padStart(5)} ${r.seconds.toFixed(0).padStart(8)}`,
    );
    if (r.kept) console.log(`  kept: ${r.kept}`);
  }
  const command = `npm run bench:generality -- ${argv.join(" ")}`.trim().replace(/ --$/, "");
  const table: GeneralityTable = {
    epochs,
    rows,
    measured: { command, on: measuredOn(), seconds, dataSeconds, yardstick },
  };
  for (const design of designs) {
    const m = generalitySummary(table, design);
    console.log(
      `minimum of ${design}: ${m.min.toFixed(0)} (${m.at}); median ${m.median.toFixed(0)}; ${m.reaching} of ${m.sets} sets at 9,000 or more`,
    );
  }
  if (values.out) {
    writeFileSync(values.out, JSON.stringify(table, null, 2) + "\n");
    console.log(`wrote ${values.out}`);
  }
  if (!values.sets || values.name)
    console.log(`wrote ${writeGeneralityPage(table, undefined, values.name)}`);
  return 0;
}

/** docs/results/generality.md from a table: one row per set and design, then each design's summary. */
function writeGeneralityPage(table: GeneralityTable, from?: string, name = "generality"): string {
  const designs = [...new Set(table.rows.map((r) => r.design))];
  const sci = (x: number): string => x.toExponential(3);
  const whole = (x: number): string => Math.round(x).toLocaleString("en-US");
  return writeResultsPage(name, {
    title: "Particle designs on laws they were not tuned on",
    about: `Each design trained with the CLI's recipe (${table.epochs} epochs) on the sets below (laws of the zoo, \`src/particles/simulation/law-zoo.ts\`, and public sets): validation MSE and score, the noise-floor ceiling \`1e5 / sqrt(params)\` (the score at MSE 1e-4, the targets' noise) and linear least squares.${from ? ` Rendered from \`${from}\`${table.measured ? `, measured by \`${table.measured.command}\` (${table.measured.on})` : ", a table of an earlier run that did not record its command, date or commit"}.` : ""}`,
    command: from
      ? `npm run bench:generality -- --page ${from}${name === "generality" ? "" : ` --name ${name}`}`
      : (table.measured?.command ?? ""),
    tables: [
      {
        columns: [
          "set",
          "kind",
          "design",
          "params",
          "val MSE",
          "score",
          "ceiling",
          "linear",
          "full design (params: score)",
          "kept structure",
        ],
        rows: table.rows.map((r) => [
          r.set,
          r.kind,
          r.design,
          r.params,
          sci(r.valMse),
          whole(r.valScore),
          whole(r.ceiling),
          whole(r.linearScore),
          r.fullScore === undefined ? "" : `${r.fullParams}: ${whole(r.fullScore)}`,
          r.kept ?? "",
        ]),
      },
    ],
    notes: [
      ...designs.map((d) => {
        const m = generalitySummary(table, d);
        return `\`${d}\`: minimum ${whole(m.min)} (\`${m.at}\`), median ${whole(m.median)}, ${m.reaching} of ${m.sets} sets at 9,000 or more.`;
      }),
      ...(table.measured?.seconds === undefined
        ? []
        : [timeNote(table.measured.seconds, table.measured.yardstick, table.measured.dataSeconds)]),
    ],
  });
}

/**
 * The run's wall time, beside the yardstick measured before and after it: this machine's speed
 * drifts, and the time compares with another run's only in the yardstick's light. With
 * `dataSeconds`, what the workers spent getting the data sets: a first run simulates the zoo.
 */
function timeNote(
  seconds: number,
  yardstick?: { before: number; after: number },
  dataSeconds?: number,
): string {
  const whole = (x: number) => Math.round(x).toLocaleString("en-US");
  const data =
    dataSeconds === undefined
      ? ""
      : `; its workers spent ${whole(dataSeconds)} s, added up over them, getting the data sets (simulating the laws of the zoo not yet in \`.cache/zoo/\`, and reading every set)`;
  const time = `The run took ${whole(seconds)} s${data}`;
  if (!yardstick) return `${time}.`;
  const us = (x: number) => x.toFixed(2);
  return `${time}. Yardstick (the substep design's kernel, forward + backward, one thread, on 1,024 samples, timed as \`npm run bench:kernel\` times it): ${us(yardstick.before)} µs per sample-evaluation before the run and ${us(yardstick.after)} after; a run's time compares with another's only beside its yardstick, as this machine's speed drifts within the day.`;
}

runMain(module, main);
