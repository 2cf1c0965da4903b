/**
 * `npm run bench:kernel`: the particle kernel's speed, per design, on one thread. For each design
 * (the substep design, the broad one before pruning, and two kept networks typical of what pruning
 * leaves, one with pair inputs the same for (i, j) and (j, i)) it times the kernel's forward pass
 * and its forward + backward pass on a batch of samples of a public set with fixed weights and
 * equal substeps, and prints per sample and acceleration evaluation: the multiply-adds of the
 * design's MLPs (counted from its sizes), µs forward and forward + backward and the achieved
 * GFLOP/s, and forward + backward with the pair passes unrolled, as a network that trains long
 * runs them (see PairTerm). With a C compiler, the same for a plain scalar C forward pass of the
 * substep design (bench/kernel/substep_forward.c, `-O2`), checked to give the kernel's outputs,
 * and the ratio. The timings run in rounds, every measurement once in each, and the medians over
 * the rounds are reported: this machine's speed drifts from minute to minute, and a slow spell
 * then falls on every measurement alike.
 *
 * Pruning trains many network shapes briefly, and V8 compiles a shape's kernel code anew each
 * time, so a second table times each design as a shape the thread has never run (in a fresh worker
 * thread, kernel-cold-worker.ts): its making and the steps of one of pruning's refits, then the
 * same steps on the kernel warm; the difference is what a new shape costs before it runs at speed.
 * A change to the kernel pays only if it wins in both tables. Writes docs/results/kernel.md.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { median } from "../src/math/statistics";
import { BROAD_DESIGN, SUBSTEP_DESIGN } from "../src/particles/model/designs";
import {
  DEFAULT_SUBSTEPS,
  type InteractionConfig,
  kernelOf,
} from "../src/particles/model/interaction-layer";
import { partsOf } from "../src/particles/model/network-surgery";
import { mirroredPairs, UNROLL_AFTER } from "../src/particles/model/pair-term";
import { DEFAULT_SIZING } from "../src/particles/training/sized-training";
import { SeededRandom } from "../src/random/seeded";
import { measuredOn, writeResultsPage } from "../src/report/results-page";
import { parseCommandLine, wholeNumberOption } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { startTypeScriptWorker } from "../src/runtime/typescript-worker";
import type { ColdRequest, ColdTimes } from "./kernel-cold-worker";
import { kernelBatch, kernelWorkload } from "./kernel-workload";
import { secondsOf } from "./timing";

const USAGE = `usage: npm run bench:kernel -- [options]
  --batch N   samples per pass (default 4096)
  --runs N    rounds of timing, every measurement once in each; medians are reported (default 7)
  --help      this text
A new shape runs pruning's refit: ${DEFAULT_SIZING.refitSteps} steps of ${DEFAULT_SIZING.refitBatchSize} samples.`;

/** A kept network of the kind pruning leaves: one pair output across vᵢ, an inertia. */
const KEPT_EXAMPLE: InteractionConfig = {
  ...BROAD_DESIGN,
  hidden: [6],
  parts: {
    inputs: ["d", "inv_d", "qj"],
    outputs: ["vi_x_rhat"],
    axes: 0,
    triplet: null,
    field: [],
    inertia: true,
  },
};

/**
 * A kept network whose pair inputs are the same for (i, j) and (j, i), as pruning leaves on most
 * laws: the forward pass runs its pair MLP for half the pairs (see PairTerm).
 */
const MIRRORED_EXAMPLE: InteractionConfig = {
  ...BROAD_DESIGN,
  hidden: [5],
  parts: {
    inputs: ["d", "inv_d", "qiqj"],
    outputs: ["rhat"],
    axes: 0,
    triplet: null,
    field: ["trap"],
    inertia: false,
  },
};

/**
 * Multiply-adds of a design's MLPs per acceleration evaluation of the forward pass: 12 pairs (6
 * when they are mirrored, see mirroredPairs), 24 triples, 4 fields.
 */
function multiplyAdds(config: InteractionConfig): number {
  const parts = partsOf(config);
  const mlp = (sizes: number[]) => sizes.slice(1).reduce((n, out, l) => n + sizes[l] * out, 0);
  const pair = parts.outputs.length
    ? (mirroredPairs(parts.inputs) ? 6 : 12) *
      mlp([parts.inputs.length, ...config.hidden, parts.outputs.length])
    : 0;
  const triplet = parts.triplet
    ? 24 * mlp([parts.triplet.inputs.length, parts.triplet.hidden, 1])
    : 0;
  const radial = parts.field.includes("radial") ? 4 * 6 : 0;
  return pair + triplet + radial;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      batch: { type: "string", default: "4096" },
      runs: { type: "string", default: "7" },
    },
  });
  if (!args) return 0;
  const batch = wholeNumberOption("batch", args.values.batch);
  const runs = wholeNumberOption("runs", args.values.runs);
  const x = kernelBatch(batch);
  const random = new SeededRandom(7);
  const evals = batch * DEFAULT_SUBSTEPS;
  const designs = (
    [
      ["substep", SUBSTEP_DESIGN],
      ["broad (before pruning)", BROAD_DESIGN],
      ["a kept network", KEPT_EXAMPLE],
      ["a kept network, mirrored pairs", MIRRORED_EXAMPLE],
    ] as const
  ).map(([name, config]) => ({
    name,
    config,
    ...kernelWorkload(config, x, batch, random),
    times: { forward: [] as number[], both: [] as number[], unrolled: [] as number[] },
  }));
  const substep = designs[0];
  const cold = designs.map(() => ({ cold: [] as number[], warm: [] as number[] }));
  const c = cReference(x, batch, substep.params);
  try {
    // One untimed pass each (V8 compiles them), then rounds in which every measurement takes its
    // turn, so that a slow spell of the machine falls on all of them alike.
    for (const d of designs) {
      d.both();
      d.bothUnrolled();
    }
    const cTimes: number[] = [];
    for (let round = 0; round < runs; round++) {
      for (const d of designs) {
        d.times.forward.push(secondsOf(d.forward));
        d.times.both.push(secondsOf(d.both));
        d.times.unrolled.push(secondsOf(d.bothUnrolled));
      }
      if (c) cTimes.push(c.run());
      for (const [k, d] of designs.entries()) {
        const times = await newShapeTimes(d.config);
        cold[k].cold.push(times.cold);
        cold[k].warm.push(times.warm);
      }
      process.stdout.write(`\rround ${round + 1} of ${runs}`);
    }
    process.stdout.write("\n");
    const us = (s: number) => ((s * 1e6) / evals).toFixed(2);
    const gflops = (macs: number, s: number) => ((2 * macs * evals) / s / 1e9).toFixed(2);
    const rows: (string | number)[][] = designs.map((d) => {
      const macs = multiplyAdds(d.config);
      const fwd = median(d.times.forward);
      const count = d.params.reduce((n, p) => n + p.length, 0);
      const { forward, backward } = d.pairsPerCall;
      const unrolls = forward > 1 || backward > 1;
      return [
        d.name,
        count,
        macs,
        us(fwd),
        gflops(macs, fwd),
        us(median(d.times.both)),
        unrolls ? us(median(d.times.unrolled)) : "",
        unrolls ? `${forward}, ${backward}` : "not unrolled",
      ];
    });
    const notes: string[] = [];
    if (c) {
      const kernel = kernelOf({ ...SUBSTEP_DESIGN, stepControl: 0 });
      const out = kernel.forward(x, batch, substep.params, false).out;
      const worst = out.reduce((m, v, i) => Math.max(m, Math.abs(v - c.out[i])), 0);
      if (worst > 1e-9) throw new Error(`the C reference differs from the kernel by ${worst}`);
      const seconds = median(cTimes);
      const macs = multiplyAdds(SUBSTEP_DESIGN);
      rows.push([
        "substep, scalar C -O2",
        "",
        macs,
        us(seconds),
        gflops(macs, seconds),
        "",
        "",
        "",
      ]);
      // The ratio of the rounds' medians of each round's ratio: robust to a slow spell too.
      const ratio = median(substep.times.forward.map((t, k) => t / cTimes[k]));
      notes.push(
        `The kernel's forward pass of the substep design takes ${ratio.toFixed(2)} times as long as the scalar C reference's (the median over the rounds of the ratio within each round), whose outputs equal the kernel's to ${worst.toExponential(1)}.`,
      );
    } else notes.push("No C compiler here: the scalar C reference was not measured.");
    console.log(
      "design  params  MACs/eval  fwd µs  fwd GFLOP/s  fwd+bwd µs  unrolled fwd+bwd µs  pairs per call",
    );
    for (const row of rows) console.log(row.map(String).join("  "));
    const { refitSteps, refitBatchSize } = DEFAULT_SIZING;
    const ms = (s: number) => (s * 1e3).toFixed(0);
    const coldRows = designs.map((d, k) => [
      d.name,
      ms(median(cold[k].cold)),
      ms(median(cold[k].warm)),
      ms(median(cold[k].cold.map((t, r) => t - cold[k].warm[r]))),
    ]);
    console.log(`new shape, ${refitSteps} steps of ${refitBatchSize}: cold ms, warm ms, cost ms`);
    for (const row of coldRows) console.log(row.join("  "));
    for (const note of notes) console.log(note);
    const page = writeResultsPage("kernel", {
      title: "The particle kernel's speed",
      about: `One thread, a batch of ${batch} samples of 5bf4506e86 with fixed seeded weights, ${DEFAULT_SUBSTEPS} equal substeps (${DEFAULT_SUBSTEPS} acceleration evaluations per sample). ${runs} rounds, in each of which every design's forward and forward + backward pass (with its pair passes per pair, and unrolled, as a network runs them once it has trained for ${UNROLL_AFTER.toLocaleString("en")} evaluations; a design whose unrolled passes would be too long keeps them per pair) and the C reference's forward pass run once in turn; each cell is the median over the rounds. MACs: multiply-adds of the design's MLPs per evaluation, counted from its sizes (12 ordered pairs, or 6 for a network whose pair (j, i) copies the MLP record of (i, j), 24 ordered triples, the radial function of 4 particles); GFLOP/s counts 2 per multiply-add and nothing else (tanh, geometry and the integrator are extra work not counted).`,
      command: `npm run bench:kernel -- ${argv.join(" ")}`.trim().replace(/ --$/, ""),
      tables: [
        {
          columns: [
            "design",
            "params",
            "MACs per evaluation",
            "forward µs per sample-evaluation",
            "forward GFLOP/s",
            "forward + backward µs per sample-evaluation",
            "the same, pair passes unrolled",
            "pairs per call, unrolled (forward, backward)",
          ],
          rows,
        },
        {
          caption: `A shape the thread has never run, in a fresh worker thread: the making of its kernel and ${refitSteps} forward + backward passes of ${refitBatchSize} samples (pruning's refit), then the same passes again; the cost of a new shape is the difference, taken within each round (medians over the rounds).`,
          columns: [
            "design",
            `new shape: making + ${refitSteps} steps, ms`,
            `the same ${refitSteps} steps warm, ms`,
            "cost of a new shape, ms",
          ],
          rows: coldRows,
        },
      ],
      notes: [...notes, `Measured on ${measuredOn()}.`],
    });
    console.log(`wrote ${page}`);
    return 0;
  } finally {
    c?.close();
  }
}

/**
 * A design's kernel timed as a new shape (see kernel-cold-worker.ts): in a fresh worker thread, its
 * making and pruning's refit steps, then the same steps warm.
 */
async function newShapeTimes(config: InteractionConfig): Promise<ColdTimes> {
  const worker = startTypeScriptWorker(join(__dirname, "kernel-cold-worker.ts"));
  try {
    const request: ColdRequest = {
      config,
      batch: DEFAULT_SIZING.refitBatchSize,
      steps: DEFAULT_SIZING.refitSteps,
    };
    worker.postMessage(request);
    const [times] = (await Promise.race([
      once(worker, "message"),
      once(worker, "error").then(([err]) => Promise.reject(err as Error)),
      once(worker, "exit").then(([code]) =>
        Promise.reject(new Error(`the new-shape worker exited (code ${code}) without its times`)),
      ),
    ])) as [ColdTimes];
    return times;
  } finally {
    await worker.terminate();
  }
}

/**
 * The C reference of the substep design's forward pass, compiled when gcc is here: `run` times one
 * pass (in its own process, which times itself), `out` holds its outputs, `close` removes its files.
 */
function cReference(
  x: Float32Array,
  batch: number,
  params: Float64Array[],
): { run: () => number; out: Float64Array; close: () => void } | null {
  if (spawnSync("gcc", ["--version"]).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "bench-kernel-"));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const exe = join(dir, "substep_forward");
    const source = join(__dirname, "kernel", "substep_forward.c");
    const built = spawnSync("gcc", ["-O2", "-o", exe, source, "-lm"], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`gcc failed: ${built.stderr}`);
    const flat = new Float64Array(params.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of params) {
      flat.set(p, at);
      at += p.length;
    }
    writeFileSync(join(dir, "x.f32"), x);
    writeFileSync(join(dir, "params.f64"), flat);
    const hidden = String(SUBSTEP_DESIGN.hidden[0]);
    // Each run times 3 passes and reports their median, the first pass warming the caches.
    const args = [hidden, String(DEFAULT_SUBSTEPS), String(batch), "3"];
    const run = (): number => {
      const done = spawnSync(exe, [...args, "x.f32", "params.f64", "out.f64"], {
        cwd: dir,
        encoding: "utf8",
      });
      if (done.status !== 0) throw new Error(`the C reference failed: ${done.stderr}`);
      return Number(done.stdout.trim());
    };
    run();
    const bytes = readFileSync(join(dir, "out.f64"));
    const out = Float64Array.from({ length: bytes.length / 8 }, (_, i) =>
      bytes.readDoubleLE(8 * i),
    );
    return { run, out, close };
  } catch (err) {
    close();
    throw err;
  }
}

runMain(module, main);
