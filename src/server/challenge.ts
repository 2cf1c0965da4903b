/**
 * `npm run challenge`: the challenge's run.sh for this project. Starts the server, posts
 * df_train.csv to /ratings/train and df_test.csv to /ratings/predict as multipart uploads (as
 * `curl -F file=@...` does), writes outputs/submission.json, stops the server (also on failure),
 * then prints the code-quality score. `--labels FILE` (userId,movieId,rating) adds MSE, the
 * predictive score and the total score. Options: --train, --test, --out, --port (default 9876).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

import { writeFileAtomic } from "../io/atomic-write";
import { mse } from "../math/mse";
import { formatQuality } from "../quality/cli";
import { measureCodeQuality } from "../quality/code-quality";
import { predictiveScore } from "../ratings/cross-validation";
import { RATINGS_DIR, readQueries, readRatings } from "../ratings/data";

/** Posts a CSV file as multipart field `file` and returns the JSON answer; non-2xx throws. */
export async function postCsv(url: string, path: string): Promise<unknown> {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(path)], { type: "text/csv" }), basename(path));
  const res = await fetch(url, { method: "POST", body: form });
  const body = (await res.json()) as unknown;
  if (!res.ok)
    throw new Error(`POST ${url} with ${path}: HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Polls `GET /health` until it answers, the server exits, or `timeoutMs` passes. */
export async function waitForHealth(
  base: string,
  server: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`the server exited with code ${server.exitCode} before it was ready`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer ${base}/health within ${timeoutMs / 1000} s`);
}

/** Stops the server: SIGTERM, then SIGKILL if it has not exited after 10 s. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * MSE of predictions against a labels CSV (`userId,movieId,rating`), matched by (user, movie);
 * every query must have a label.
 */
export function scoreAgainstLabels(
  answer: Record<string, number>,
  queries: { userId: Int32Array; movieId: Int32Array },
  labelsPath: string,
): number {
  const labels = readRatings(labelsPath);
  const label = new Map<string, number>();
  labels.userId.forEach((u, i) => label.set(`${u}|${labels.movieId[i]}`, labels.rating[i]));
  const n = queries.userId.length;
  const predicted = new Float64Array(n);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = label.get(`${queries.userId[i]}|${queries.movieId[i]}`);
    if (y === undefined)
      throw new Error(
        `${labelsPath}: no label for query row ${i + 1} (user ${queries.userId[i]}, movie ${queries.movieId[i]})`,
      );
    const p = answer[String(i)];
    if (typeof p !== "number") throw new Error(`the answer has no prediction "${i}"`);
    predicted[i] = p;
    target[i] = y;
  }
  return mse(predicted, target);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      train: { type: "string", default: `${RATINGS_DIR}/df_train.csv` },
      test: { type: "string", default: `${RATINGS_DIR}/df_test.csv` },
      out: { type: "string", default: "outputs/submission.json" },
      port: { type: "string", default: process.env.PORT ?? "9876" },
      labels: { type: "string" },
    },
  });
  const queries = readQueries(values.test);
  const base = `http://127.0.0.1:${values.port}`;
  if (
    await fetch(`${base}/health`).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`something already answers on ${base}: stop it or choose another --port`);
  console.log(`[challenge] starting the server on ${base}`);
  const server = spawn(process.execPath, ["--import", "tsx", "src/server/serve.ts"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: values.port },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let answer: Record<string, number>;
  try {
    await waitForHealth(base, server, 15 * 60_000);
    console.log(`[challenge] POST /ratings/train ${values.train}`);
    const summary = await postCsv(`${base}/ratings/train`, values.train);
    console.log(`[challenge] trained: ${JSON.stringify(summary)}`);
    console.log(`[challenge] POST /ratings/predict ${values.test}`);
    answer = (await postCsv(`${base}/ratings/predict`, values.test)) as Record<string, number>;
    if (Object.keys(answer).length !== queries.userId.length)
      throw new Error(
        `${Object.keys(answer).length} predictions for ${queries.userId.length} queries`,
      );
    writeFileAtomic(values.out, JSON.stringify(answer) + "\n");
    console.log(`[challenge] wrote ${values.out}: ${queries.userId.length} predictions`);
  } finally {
    await stopServer(server);
    console.log("[challenge] server stopped");
  }
  const quality = await measureCodeQuality();
  console.log(formatQuality(quality).join("\n"));
  if (values.labels) {
    const mse = scoreAgainstLabels(answer, queries, values.labels);
    const predictive = predictiveScore(mse);
    console.log(`MSE ${mse.toFixed(4)}; predictive score ${predictive.toFixed(3)}`);
    console.log(
      `total score (geometric mean of predictive and code quality): ${Math.sqrt(predictive * quality.score).toFixed(3)}`,
    );
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`[challenge] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
