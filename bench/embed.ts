/**
 * `npm run bench:embed`: texts per second of the overview embedder on a full-size DistilBERT
 * (6 layers, hidden 768, 12 heads; seeded random weights, which time like trained ones) for batch
 * sizes 1, 8 and 32, fp32 and q8 weights: median of several runs, peak RSS per dtype (each dtype
 * runs in its own process), and the FLOP-based ceiling for this machine.
 * Options: --texts N (default 64), --runs N (default 3).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

import { type EmbeddingDtype, OverviewEmbedder } from "../src/embeddings/overview-embedder";
import {
  FULL_DISTILBERT,
  writeRandomDistilBert,
} from "../src/embeddings/test-model/distilbert-onnx";
import { countTokens } from "../src/embeddings/tokenizer";
import { writeFileAtomic } from "../src/io/atomic-write";
import { MODEL_CACHE_DIR } from "../src/io/project-paths";
import { quantile } from "../src/math/statistics";
import { SeededRandom } from "../src/random/seeded";
import { readMovies } from "../src/ratings/data/rating-tables";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { timed } from "./timing";

const MODEL_DIR = join(MODEL_CACHE_DIR, "distilbert-full-random");
const BATCHES = [1, 8, 32];

interface ChildResult {
  dtype: EmbeddingDtype;
  rows: { batch: number; medianTextsPerSecond: number; runs: number[] }[];
  peakRssMb: number;
}

function sampleTexts(n: number): string[] {
  return new SeededRandom(7).sample(readMovies(), n).map((m) => m.overview);
}

/** Child process: times one dtype and prints a JSON line. */
async function child(dtype: EmbeddingDtype, nTexts: number, runs: number): Promise<void> {
  const texts = sampleTexts(nTexts);
  const embedder = await OverviewEmbedder.load({ model: MODEL_DIR, dtype });
  await embedder.embed(texts.slice(0, 4), { batchSize: 4 }); // warm-up
  const rows = [];
  for (const batch of BATCHES) {
    const speeds: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { seconds } = await timed(() => embedder.embed(texts, { batchSize: batch }));
      speeds.push(texts.length / seconds);
    }
    rows.push({ batch, medianTextsPerSecond: quantile(speeds, 0.5), runs: speeds });
  }
  const result: ChildResult = { dtype, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
}

/** Peak fp32 FLOP/s: cores × clock × FLOPs per cycle (two FMA units of the widest vector). */
function peakFlops(): { flops: number; note: string } {
  const info = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const lanes = /\bavx512f\b/.test(info) ? 16 : /\bavx2\b/.test(info) ? 8 : 4;
  // os.cpus() reports speed 0 on some VMs: fall back to /proc/cpuinfo's "cpu MHz".
  const mhz = cpus()[0]?.speed || Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 2000);
  const ghz = mhz / 1000;
  const perCycle = lanes * 2 * 2; // FMA = 2 FLOPs, assume 2 FMA units per core
  return {
    flops: cpus().length * ghz * 1e9 * perCycle,
    note: `${cpus().length} cores × ${ghz.toFixed(2)} GHz × ${perCycle} FLOP/cycle (${lanes}-lane FMA ×2)`,
  };
}

/** FLOPs to embed one text of `s` tokens: linear layers 2·params·s plus attention 4·s²·dim per layer. */
function flopsPerText(s: number): number {
  const { dim, hidden_dim: h, n_layers: l } = FULL_DISTILBERT;
  return l * (2 * (4 * dim * dim + 2 * dim * h) * s + 4 * s * s * dim);
}

const USAGE = `usage: npm run bench:embed -- [options]
  --texts N    overviews embedded per run (default 64)
  --runs N     runs per precision (default 3)
  --help       this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      texts: { type: "string", default: "64" },
      runs: { type: "string", default: "3" },
      child: { type: "string" },
    },
  });
  if (!args) return;
  const { values } = args;
  const nTexts = Number(values.texts);
  const runs = Number(values.runs);
  if (values.child) return child(values.child as EmbeddingDtype, nTexts, runs);
  if (!existsSync(join(MODEL_DIR, "onnx", "model_quantized.onnx"))) {
    console.log(`generating a full-size random DistilBERT in ${MODEL_DIR} ...`);
    writeRandomDistilBert(MODEL_DIR, FULL_DISTILBERT, { seed: 3, quantized: true });
  }
  const tokens = await countTokens(sampleTexts(nTexts));
  const meanFlops = tokens.reduce((s, t) => s + flopsPerText(t), 0) / tokens.length;
  const peak = peakFlops();
  const ceiling = peak.flops / meanFlops;
  console.log(
    `${nTexts} overviews, median ${quantile(tokens, 0.5)} tokens; ${(meanFlops / 1e9).toFixed(2)} GFLOP per text`,
  );
  console.log(
    `peak ${(peak.flops / 1e9).toFixed(0)} GFLOP/s (${peak.note}) -> ceiling ${ceiling.toFixed(0)} texts/s`,
  );
  const results: ChildResult[] = [];
  for (const dtype of ["fp32", "q8"] as EmbeddingDtype[]) {
    const out = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        __filename,
        "--child",
        dtype,
        "--texts",
        String(nTexts),
        "--runs",
        String(runs),
      ],
      { encoding: "utf8" },
    );
    results.push(JSON.parse(out.trim().split("\n").pop()!) as ChildResult);
  }
  console.log("\ndtype  batch  texts/s (median of " + runs + ")  % of fp32 ceiling  peak RSS");
  console.log(
    "(int8 MatMulInteger does more operations per cycle than fp32 FMA, so q8 may pass the fp32 ceiling)",
  );
  for (const r of results)
    for (const row of r.rows)
      console.log(
        `${r.dtype.padEnd(5)}  ${String(row.batch).padStart(5)}  ${row.medianTextsPerSecond.toFixed(1).padStart(22)}  ${((100 * row.medianTextsPerSecond) / ceiling).toFixed(1).padStart(12)}%  ${r.peakRssMb.toFixed(0)} MB`,
      );
  const fp32 = results[0].rows;
  const q8 = results[1].rows;
  console.log(
    `\nq8 / fp32 speed ratio by batch: ${BATCHES.map((b, i) => `${b}: ${(q8[i].medianTextsPerSecond / fp32[i].medianTextsPerSecond).toFixed(2)}`).join(", ")}`,
  );
  writeFileAtomic(
    "outputs/bench/embed.json",
    JSON.stringify(
      {
        texts: nTexts,
        runs,
        gflopPerText: meanFlops / 1e9,
        peakGflops: peak.flops / 1e9,
        ceilingTextsPerSecond: ceiling,
        results,
      },
      null,
      2,
    ) + "\n",
  );
  console.log("wrote outputs/bench/embed.json");
}

runMain(module, main);
