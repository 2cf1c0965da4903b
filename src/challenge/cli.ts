/**
 * `npm run challenge`: the challenge's run.sh for this project. Starts the server, posts
 * df_train.csv to /ratings/train and df_test.csv to /ratings/predict as multipart uploads (as
 * `curl -F file=@...` does), writes outputs/submission.json, stops the server (also on failure),
 * then prints the code-quality score. `--labels FILE` (userId,movieId,rating) adds MSE, the
 * predictive score and the total score. Options: --train, --test, --out, --port (default 9876).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

import { writeFileAtomic } from "../io/atomic-write";
import { OUTPUTS_DIR, PROJECT_ROOT, RATINGS_DIR } from "../io/project-paths";
import { measureCodeQuality } from "../quality/code-quality";
import { formatQuality } from "../quality/format-quality";
import { readQueries } from "../ratings/data/rating-tables";
import { predictiveScore } from "../ratings/evaluation/predictive-score";
import { parseCommandLine } from "../runtime/command-line";
import { runMain } from "../runtime/run-main";
import type { TrainSummary } from "../server/rating-service";
import { serveConfig } from "../server/serve-config";
import { postCsv, probeHealth, stopServer, waitForHealth } from "./http-client";
import { scoreAgainstLabels } from "./label-score";

const USAGE = `usage: npm run challenge -- [options]
  --train FILE    training ratings, userId,rating,movieId (default data/ratings/df_train.csv)
  --test FILE     queries to predict, userId,movieId (default data/ratings/df_test.csv)
  --out FILE      where the predictions go (default outputs/submission.json)
  --port N        the server's port (default PORT or 9876)
  --labels FILE   true ratings of the test queries (userId,movieId,rating): adds MSE and scores
  --help          this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      train: { type: "string", default: join(RATINGS_DIR, "df_train.csv") },
      test: { type: "string", default: join(RATINGS_DIR, "df_test.csv") },
      out: { type: "string", default: join(OUTPUTS_DIR, "submission.json") },
      port: { type: "string", default: String(serveConfig().port) },
      labels: { type: "string" },
    },
  });
  if (!args) return;
  const { values } = args;
  const queries = readQueries(values.test);
  const base = `http://127.0.0.1:${values.port}`;
  if ((await probeHealth(base)) !== "refused")
    throw new Error(`something already listens on ${base}: stop it or choose another --port`);
  console.log(`[challenge] starting the server on ${base}`);
  const server = spawn(
    process.execPath,
    ["--import", "tsx", join(PROJECT_ROOT, "src", "server", "serve.ts"), "--stop-with-stdin"],
    {
      env: { ...process.env, HOST: "127.0.0.1", PORT: values.port },
      // The server stops when this pipe closes: also when this process is killed outright.
      stdio: ["pipe", "inherit", "inherit"],
    },
  );
  // A SIGTERM or Ctrl-C stops the server before this process goes.
  const interrupted = (signal: NodeJS.Signals): void => {
    console.log(`[challenge] ${signal}: stopping the server`);
    void stopServer(server).then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  let answer: Record<string, number>;
  try {
    await waitForHealth(base, server, 15 * 60_000);
    console.log(`[challenge] POST /ratings/train ${values.train}`);
    const summary = (await postCsv(`${base}/ratings/train`, values.train)) as TrainSummary;
    console.log(`[challenge] trained: ${JSON.stringify(summary)}`);
    if (summary.testEmbeddingModel)
      console.log(
        `[challenge] WARNING: the server embeds overviews with the random-weight TEST model (EMBEDDING_MODEL=test): these predictions do not use DistilBERT`,
      );
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

runMain(module, main, "[challenge] ");
