/**
 * `npm run bench:api`: the rating API over a real socket, in process: time of POST /ratings/train
 * with df_train.csv (embeddings cached) and latency of POST /ratings/predict with df_test.csv,
 * medians of several runs. Options: --train-runs N (default 3), --predict-runs N (default 10).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { postCsv } from "../src/challenge/http-client";
import { RATINGS_DIR } from "../src/io/project-paths";
import { quantile } from "../src/math/statistics";
import { loadRatingContext } from "../src/ratings/features/rating-context-loader";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { initBackend } from "../src/runtime/tf-backend";
import { buildApp } from "../src/server/app";
import { RatingService } from "../src/server/rating-service";
import { DEFAULT_BODY_LIMIT } from "../src/server/serve-config";
import { timed } from "./timing";

const USAGE = `usage: npm run bench:api -- [options]
  --train-runs N     trainings on df_train to time (default 3)
  --predict-runs N   df_test predictions to time (default 10)
  --help             this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      "train-runs": { type: "string", default: "3" },
      "predict-runs": { type: "string", default: "10" },
    },
  });
  if (!args) return;
  const { values } = args;
  const backend = await initBackend();
  const { ctx, choice, dim } = await loadRatingContext({ quiet: true, testModelIfMissing: true });
  const dir = join(mkdtempSync(join(tmpdir(), "bench-api-")), "model");
  const service = await RatingService.open(ctx, dir);
  const app = await buildApp(service, { bodyLimit: DEFAULT_BODY_LIMIT, logger: false, backend });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  console.log(
    `backend ${backend}; embeddings ${choice.isTestModel ? "random-weight test model" : choice.model} (${dim} dims)`,
  );
  try {
    const train: number[] = [];
    for (let r = 0; r < Number(values["train-runs"]); r++) {
      train.push(
        (await timed(() => postCsv(`${base}/ratings/train`, join(RATINGS_DIR, "df_train.csv"))))
          .seconds,
      );
      console.log(`train run ${r + 1}: ${train[r].toFixed(1)} s`);
    }
    const predict: number[] = [];
    for (let r = 0; r < Number(values["predict-runs"]); r++)
      predict.push(
        (await timed(() => postCsv(`${base}/ratings/predict`, join(RATINGS_DIR, "df_test.csv"))))
          .seconds,
      );
    console.log(
      `median: POST /ratings/train ${quantile(train, 0.5).toFixed(1)} s (${train.length} runs); POST /ratings/predict (df_test) ${(quantile(predict, 0.5) * 1000).toFixed(0)} ms (${predict.length} runs, max ${(Math.max(...predict) * 1000).toFixed(0)} ms)`,
    );
  } finally {
    await app.close();
  }
}

runMain(module, main);
