/**
 * `npm run bench:scale`: how the rating model's training grows with the data. A synthetic
 * scale-up, documented as such: df_train replicated k times (k = 1, 2, 4, 8, 16) with the user ids
 * offset in each copy, so k times the rows and the users over the same movies. Each k trains
 * `--epochs` epochs (default 3; early stopping off) in its own process, with the test embedding
 * model, and reports the median seconds per epoch, the growth per doubling, and the process's peak
 * resident memory. `--k 1,2,4` picks the sizes; `--plot FILE.png` also draws the curve.
 * `--api` instead posts each size to `POST /ratings/train` of a fresh server process (default
 * settings: early stopping, out-of-fold user features, the save) and reports the whole answer time
 * and its ratio to k = 1, the epochs (the best one, and whether early stopping or the epoch limit
 * ended them), the batch size, the training seconds per epoch, the validation MSE and the
 * server's peak resident memory. Either way the table is also written to `docs/results/`
 * (`rating-scale.md`, `rating-scale-api.md`) with the command, date, machine and commit.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { postCsv, stopServer } from "../src/challenge/http-client";
import { writeFileAtomic } from "../src/io/atomic-write";
import { median } from "../src/math/statistics";
import { logAxis } from "../src/plotting/charts";
import { closeRasterizer, figurePng } from "../src/plotting/rasterize";
import { type Ratings, readRatings } from "../src/ratings/data/rating-tables";
import { loadRatingContext } from "../src/ratings/features/rating-context-loader";
import { RatingModel } from "../src/ratings/model/rating-model";
import { writeResultsPage } from "../src/report/results-page";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { initBackend } from "../src/runtime/tf-backend";
import type { TrainSummary } from "../src/server/rating-service";
import { startApiServer } from "./api-server";

/** df_train k times, each copy's user ids offset past the previous copy's. */
export function replicate(r: Ratings, k: number): Ratings {
  const n = r.rating.length;
  const offset = Math.max(...r.userId) + 1;
  const out: Ratings = {
    userId: new Int32Array(n * k),
    movieId: new Int32Array(n * k),
    rating: new Float32Array(n * k),
  };
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) out.userId[c * n + i] = r.userId[i] + c * offset;
    out.movieId.set(r.movieId, c * n);
    out.rating.set(r.rating, c * n);
  }
  return out;
}

const peakRssMb = (pid: number | "self" = "self"): number =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

/** df_train replicated k times, as the CSV `POST /ratings/train` takes. */
function replicatedCsv(k: number): string {
  const r = replicate(readRatings(), k);
  const lines = ["userId,rating,movieId"];
  for (let i = 0; i < r.rating.length; i++)
    lines.push(`${r.userId[i]},${r.rating[i]},${r.movieId[i]}`);
  return lines.join("\n") + "\n";
}

/** Trains each size through the API of a fresh server process; prints time, epochs and peak RSS. */
async function throughApi(ks: number[]): Promise<void> {
  console.log("synthetic scale-up through POST /ratings/train (a fresh server per size)");
  console.log(
    "   k       rows  answer s  x of k=1  epochs  best  stopped by      batch  s/epoch  val MSE  server peak RSS",
  );
  const scratch = mkdtempSync(join(tmpdir(), "bench-scale-"));
  let first: number | null = null;
  const rows: (string | number)[][] = [];
  try {
    for (const k of ks) {
      const csv = join(scratch, `train-${k}.csv`);
      writeFileAtomic(csv, replicatedCsv(k));
      const server = await startApiServer(join(scratch, `model-${k}`));
      try {
        const started = Date.now();
        const answer = (await postCsv(`${server.base}/ratings/train`, csv)) as TrainSummary;
        const seconds = (Date.now() - started) / 1000;
        first ??= seconds;
        const row = [
          k,
          answer.rows.toLocaleString("en-US"),
          `${seconds.toFixed(1)} s`,
          (seconds / first).toFixed(2),
          `${answer.epochs} (${answer.bestEpoch})`,
          answer.stoppedBy,
          answer.batchSize.toLocaleString("en-US"),
          (answer.seconds / answer.epochs).toFixed(2),
          answer.validationMse?.toFixed(4) ?? "n/a",
          `${peakRssMb(server.process.pid!).toFixed(0)} MB`,
        ];
        rows.push(row);
        console.log(row.join("  "));
      } finally {
        await stopServer(server.process);
      }
      rmSync(csv);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const page = writeResultsPage("rating-scale-api", {
    title: "Rating API: training time and memory against data size",
    about:
      "df_train replicated k times with the user ids offset per copy (a synthetic scale-up: k times the rows and users over the same movies), posted to `POST /ratings/train` of a fresh server process per size: the whole answer (parsing, out-of-fold user features, early stopping, the save), with the test embedding model.",
    command: `npm run bench:scale -- --api --k ${ks.join(",")}`,
    tables: [
      {
        columns: [
          "k",
          "rows",
          "answer in",
          "x of k = 1",
          "epochs (best)",
          "stopped by",
          "batch",
          "s/epoch",
          "validation MSE",
          "server peak RSS",
        ],
        rows,
      },
    ],
  });
  console.log(`wrote ${page}`);
}

/** Trains at one size in this process and prints one JSON line. */
async function one(k: number, epochs: number): Promise<void> {
  process.env.EMBEDDING_MODEL = "test";
  const backend = await initBackend();
  const { ctx } = await loadRatingContext({ quiet: true });
  const data = replicate(readRatings(), k);
  const started = Date.now();
  const model = await RatingModel.train(data, ctx, { epochs, patience: epochs + 1 });
  const perEpoch = median(model.history.map((h) => h.seconds));
  console.log(
    JSON.stringify({
      k,
      rows: data.rating.length,
      users: new Set(data.userId).size,
      epochs: model.history.length,
      secondsPerEpoch: perEpoch,
      totalSeconds: (Date.now() - started) / 1000,
      peakRssMb: peakRssMb(),
      backend,
    }),
  );
}

const USAGE = `usage: npm run bench:scale -- [options]
  --k LIST       copies of df_train to train on (default 1,2,4,8,16)
  --epochs N     epochs per size in process, early stopping off (default 3)
  --plot FILE    also draw the in-process curve as a PNG
  --api          post each size to POST /ratings/train of a fresh server instead
  --help         this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      k: { type: "string", default: "1,2,4,8,16" },
      epochs: { type: "string", default: "3" },
      one: { type: "string" },
      plot: { type: "string" },
      api: { type: "boolean", default: false },
    },
  });
  if (!args) return;
  const { values } = args;
  const epochs = Number(values.epochs);
  if (values.one) return one(Number(values.one), epochs);
  if (values.api) return throughApi(values.k.split(",").map(Number));
  console.log("synthetic scale-up: df_train replicated k times, user ids offset per copy");
  console.log("   k       rows   users  s/epoch  growth/doubling  peak RSS");
  let previous: number | null = null;
  const points: { rows: number; secondsPerEpoch: number; peakRssMb: number }[] = [];
  const table: (string | number)[][] = [];
  for (const k of values.k.split(",").map(Number)) {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", __filename, "--one", String(k), "--epochs", String(epochs)],
      { encoding: "utf8", maxBuffer: 1 << 24 },
    );
    const line = run.stdout.trim().split("\n").pop() ?? "";
    if (run.status !== 0 || !line.startsWith("{"))
      throw new Error(`k = ${k} failed (exit ${run.status}): ${run.stderr.slice(-500)}`);
    const r = JSON.parse(line) as {
      rows: number;
      users: number;
      secondsPerEpoch: number;
      peakRssMb: number;
    };
    const growth = previous ? `${(r.secondsPerEpoch / previous).toFixed(2)}x` : "";
    previous = r.secondsPerEpoch;
    points.push(r);
    console.log(
      `${String(k).padStart(4)} ${String(r.rows).padStart(10)} ${String(r.users).padStart(7)} ${r.secondsPerEpoch.toFixed(1).padStart(8)} ${growth.padStart(16)} ${r.peakRssMb.toFixed(0).padStart(6)} MB`,
    );
    const count = (n: number): string => n.toLocaleString("en-US");
    table.push([
      k,
      count(r.rows),
      count(r.users),
      r.secondsPerEpoch.toFixed(1),
      growth,
      `${r.peakRssMb.toFixed(0)} MB`,
    ]);
  }
  if (values.plot) await plot(points, values.plot);
  const page = writeResultsPage("rating-scale", {
    title: "Rating model: time per epoch and memory against data size",
    about: `df_train replicated k times with the user ids offset per copy (a synthetic scale-up: k times the rows and users over the same movies), ${epochs} epochs per size in a process of its own (early stopping off), with the test embedding model: the median seconds per epoch, its growth per doubling, and the process's peak resident memory.${values.plot ? ` The curve: \`${values.plot}\`.` : ""}`,
    command: `npm run bench:scale -- --k ${values.k} --epochs ${epochs}${values.plot ? ` --plot ${values.plot}` : ""}`,
    tables: [
      {
        columns: ["k", "rows", "users", "s/epoch", "growth per doubling", "peak RSS"],
        rows: table,
      },
    ],
  });
  console.log(`wrote ${page}`);
}

/** The measured curve as a PNG: seconds per epoch and peak memory against rows, both log scales. */
async function plot(
  points: { rows: number; secondsPerEpoch: number; peakRssMb: number }[],
  path: string,
) {
  const rows = points.map((p) => p.rows);
  const fig = {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "seconds per epoch",
        x: rows,
        y: points.map((p) => p.secondsPerEpoch),
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "linear (from 1x)",
        x: rows,
        y: rows.map((r) => (points[0].secondsPerEpoch * r) / rows[0]),
        line: { dash: "dot" },
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "peak RSS (GB)",
        x: rows,
        y: points.map((p) => p.peakRssMb / 1024),
        yaxis: "y2",
      },
    ],
    layout: {
      title: { text: "Rating model training cost against data size (df_train replicated)" },
      xaxis: logAxis("training rows"),
      yaxis: logAxis("seconds per epoch"),
      yaxis2: {
        title: { text: "peak RSS (GB)" },
        overlaying: "y",
        side: "right",
        automargin: true,
        showgrid: false,
      },
      legend: { orientation: "h", y: -0.25 },
      margin: { t: 56, r: 80, b: 56, l: 64 },
      height: 420,
    },
  };
  writeFileAtomic(path, await figurePng(fig, 800, 420));
  await closeRasterizer();
  console.log(`wrote ${path}`);
}

runMain(module, main);
