/**
 * `npm run bench:ratings`: wall time of training the rating model on all of df_train (embeddings
 * cached, so only the first run embeds) and of predicting df_test, median of several runs.
 * Options: --runs N (default 3).
 */

import { quantile } from "../src/math/statistics";
import { readQueries, readRatings } from "../src/ratings/data/rating-tables";
import { loadRatingContext } from "../src/ratings/features/rating-context-loader";
import { RatingModel } from "../src/ratings/model/rating-model";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { initBackend } from "../src/runtime/tf-backend";
import { timed } from "./timing";

const USAGE = `usage: npm run bench:ratings -- [options]
  --runs N    trainings and predictions to time (default 3)
  --help      this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: { runs: { type: "string", default: "3" } },
  });
  if (!args) return;
  const { values } = args;
  const runs = Number(values.runs);
  const backend = await initBackend();
  const ratings = readRatings();
  const queries = readQueries();
  const { ctx, choice, dim, computed } = await loadRatingContext({
    quiet: true,
    testModelIfMissing: true,
  });
  console.log(
    `backend ${backend}; embeddings: ${choice.isTestModel ? "random-weight test model" : choice.model} (${dim} dims, ${computed} computed now)`,
  );
  const train: number[] = [];
  const predict: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { value: model, seconds } = await timed(() => RatingModel.train(ratings, ctx));
    train.push(seconds);
    predict.push((await timed(() => model.predict(queries.userId, queries.movieId))).seconds);
    console.log(
      `run ${r + 1}: train ${train[r].toFixed(1)} s (${model.history.length} epochs), predict ${queries.userId.length} rows ${predict[r].toFixed(2)} s`,
    );
  }
  console.log(
    `median: train ${quantile(train, 0.5).toFixed(1)} s, predict ${quantile(predict, 0.5).toFixed(2)} s (${runs} runs)`,
  );
}

runMain(module, main);
