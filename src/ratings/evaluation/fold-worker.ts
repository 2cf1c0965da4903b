/**
 * The worker thread of {@link HybridFoldPool} (see hybrid-fold-pool.ts): builds the rating
 * contexts once from the movies and embeddings it is sent, then trains the hybrid model on one
 * cross-validation fold per message and answers its predictions. Not an entry point of its own.
 */
import { parentPort } from "node:worker_threads";

import { initBackend } from "../../runtime/tf-backend";
import type { Movie, Ratings } from "../data/rating-tables";
import {
  buildRatingContext,
  type OverviewEmbeddings,
  type RatingContext,
} from "../features/rating-context";
import type { RatingTrainOptions } from "../model/rating-model";
import { hybridFoldPredictions } from "./rating-methods";

/** What a context is built from: the movie table and, if used, the overview embeddings. */
export interface ContextSource {
  movies: Movie[];
  embedding: OverviewEmbeddings | null;
}

/** The first message: the ratings, the contexts' sources and the tfjs backend to train on. */
export interface FoldSetup {
  kind: "setup";
  ratings: Ratings;
  contexts: ContextSource[];
  backend: string;
}

/** A fold: train on `train` rows with context `context`, predict the `test` rows. */
export interface FoldJob {
  kind: "fold";
  id: number;
  context: number;
  options: Partial<RatingTrainOptions>;
  train: Int32Array;
  test: Int32Array;
}

/** A fold's answer: the test rows' predictions and the seconds the training took, or an error. */
export interface FoldReply {
  id: number;
  predictions?: Float32Array;
  seconds?: number;
  error?: string;
}

let setup: FoldSetup | undefined;
const contexts = new Map<number, RatingContext>();

async function runFold(job: FoldJob): Promise<FoldReply> {
  if (!setup) throw new Error("a fold before the setup message");
  await initBackend(setup.backend);
  const started = Date.now();
  const { ratings } = setup;
  let ctx = contexts.get(job.context);
  if (!ctx) {
    const source = setup.contexts[job.context];
    ctx = buildRatingContext(source.movies, source.embedding ?? undefined);
    contexts.set(job.context, ctx);
  }
  const predictions = await hybridFoldPredictions(ratings, ctx, job.options, job.train, job.test);
  return { id: job.id, predictions, seconds: (Date.now() - started) / 1000 };
}

parentPort?.on("message", (message: FoldSetup | FoldJob) => {
  if (message.kind === "setup") {
    setup = message;
    return;
  }
  runFold(message).then(
    (reply) => parentPort!.postMessage(reply),
    (err: Error) => parentPort!.postMessage({ id: message.id, error: err.message }),
  );
});
