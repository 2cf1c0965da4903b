/**
 * `npm run bench:api-load`: the rating API as a separate server process on 127.0.0.1, under load
 * (bounded, loopback only). Polls `/health` every 100 ms throughout and reports its slowest answer
 * during each phase: training on df_train, 20 concurrent df_test predictions (all must be 200 and
 * identical; median latency), a 1M-row prediction, a 30 MB body, and 10 MiB of commas. Ends with
 * the server's peak resident memory (VmHWM). Uses the random-weight test embedding model.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { RATINGS_DIR } from "../src/io/project-paths";
import { median } from "../src/math/statistics";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { startApiServer } from "./api-server";
import { timed } from "./timing";

/** Polls /health until stopped; returns the slowest answer in ms (a failed poll counts as Infinity). */
function pollHealth(base: string): { stop: () => Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const ok = await fetch(`${base}/health`, { signal: AbortSignal.timeout(30_000) }).then(
        (r) => r.ok,
        () => false,
      );
      worst = Math.max(worst, ok ? Date.now() - started : Infinity);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return worst;
    },
  };
}

const post = async (
  url: string,
  body: string | Buffer,
): Promise<{ status: number; text: string }> => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body,
    signal: AbortSignal.timeout(600_000),
  });
  return { status: res.status, text: await res.text() };
};

const peakRss = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? NaN) / 1024;
};

async function phase<T>(base: string, name: string, work: () => Promise<T>): Promise<T> {
  const health = pollHealth(base);
  const { value, seconds } = await timed(work);
  const worst = await health.stop();
  console.log(
    `${name.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s   slowest /health ${worst} ms`,
  );
  return value;
}

const USAGE = `usage: npm run bench:api-load
  A server process under load: /health latency, 20 concurrent predicts, 1M rows, 30 MB, peak RSS.
  --help    this text`;

async function main(argv: string[]): Promise<void> {
  if (!parseCommandLine(argv, USAGE, { options: {} })) return;
  const { base, process: server } = await startApiServer(
    join(mkdtempSync(join(tmpdir(), "api-load-")), "model"),
  );
  try {
    const train = readFileSync(join(RATINGS_DIR, "df_train.csv"));
    const test = readFileSync(join(RATINGS_DIR, "df_test.csv"), "utf8");
    const trained = await phase(base, "POST /ratings/train (df_train)", () =>
      post(`${base}/ratings/train`, train),
    );
    if (trained.status !== 200) throw new Error(`training failed: ${trained.text.slice(0, 300)}`);
    const answers = await phase(base, "20 concurrent predicts (df_test)", () =>
      Promise.all(
        Array.from({ length: 20 }, async () => {
          const { value, seconds } = await timed(() => post(`${base}/ratings/predict`, test));
          return { ...value, seconds };
        }),
      ),
    );
    const statuses = [...new Set(answers.map((a) => a.status))];
    const identical = answers.every((a) => a.text === answers[0].text);
    console.log(
      `  statuses ${statuses.join(",")}; identical ${identical}; median latency ${(median(answers.map((a) => a.seconds)) * 1000).toFixed(0)} ms`,
    );
    const rows = test.trim().split("\n").slice(1);
    const big = (n: number): string =>
      "userId,movieId\n" +
      Array.from({ length: n }, (_, i) => rows[i % rows.length]).join("\n") +
      "\n";
    const million = big(1_000_000);
    const r1 = await phase(base, `predict 1M rows (${(million.length / 1e6).toFixed(1)} MB)`, () =>
      post(`${base}/ratings/predict`, million),
    );
    console.log(`  status ${r1.status}, ${(r1.text.length / 1e6).toFixed(1)} MB answer`);
    const thirty = big(Math.ceil((30e6 / million.length) * 1_000_000));
    const r2 = await phase(base, `predict a ${(thirty.length / 1e6).toFixed(0)} MB body`, () =>
      post(`${base}/ratings/predict`, thirty),
    );
    console.log(`  status ${r2.status}: ${r2.text.slice(0, 160)}`);
    const r3 = await phase(base, "predict 10 MiB of commas", () =>
      post(`${base}/ratings/predict`, ",".repeat(10 * 1024 * 1024)),
    );
    console.log(`  status ${r3.status}: ${r3.text.slice(0, 160)}`);
    const after = await post(`${base}/ratings/predict`, test);
    console.log(
      `a df_test predict afterwards: ${after.status}, same answer ${after.text === answers[0].text}`,
    );
    console.log(`server peak RSS (VmHWM): ${peakRss(server.pid!).toFixed(0)} MB`);
  } finally {
    server.kill("SIGTERM");
  }
}

runMain(module, main);
