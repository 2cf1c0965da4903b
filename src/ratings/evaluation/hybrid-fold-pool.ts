import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import type { Ratings } from "../data/rating-tables";
import type { RatingContext } from "../features/rating-context";
import type { RatingTrainOptions } from "../model/rating-model";
import type { Predictor } from "./cross-validation";
import type { FoldJob, FoldReply, FoldSetup } from "./fold-worker";

/**
 * Worker threads that train the hybrid rating model on cross-validation folds, one per core by
 * default: the tfjs wasm backend is single-threaded, and the folds are independent. Each worker
 * rebuilds the contexts from their movies and embeddings once and trains on the same backend as
 * this thread, so a fold's predictions are those {@link RatingModel.train} gives here. Folds
 * queue for the next free worker; {@link close} stops the workers.
 *
 * @example
 * const pool = HybridFoldPool.start(ratings, [metaCtx, fullCtx]);
 * try {
 *   const cv = await crossValidate(ratings, { full: pool.predictor(1, { epochs: 40 }) }, 5, 0, { concurrent: true });
 * } finally {
 *   await pool.close();
 * }
 */
export class HybridFoldPool {
  private readonly idle: Worker[] = [];
  private readonly queue: { job: FoldJob; done: (r: FoldReply) => void }[] = [];
  private nextId = 0;
  private alive: number;

  private constructor(private readonly workers: Worker[]) {
    this.idle.push(...workers);
    this.alive = workers.length;
  }

  /** Starts `workers` threads that know `ratings` and can train on each of `contexts`. */
  static start(
    ratings: Ratings,
    contexts: RatingContext[],
    workers = availableParallelism(),
  ): HybridFoldPool {
    const setup: FoldSetup = {
      kind: "setup",
      ratings: { userId: ratings.userId, movieId: ratings.movieId, rating: ratings.rating },
      contexts: contexts.map((c) => ({ movies: c.movies, embedding: c.embedding })),
      backend: tf.getBackend(),
    };
    const threads = Array.from({ length: Math.max(1, workers) }, () => {
      const w = startTypeScriptWorker(join(__dirname, "fold-worker.ts"));
      w.postMessage(setup);
      return w;
    });
    return new HybridFoldPool(threads);
  }

  /**
   * A predictor that trains the hybrid model with `options` on context `context` (its index in
   * the contexts the pool was started with) in a worker; it answers the predictions and the
   * seconds the worker spent.
   */
  predictor(context: number, options: Partial<RatingTrainOptions>): Predictor {
    return (train, test) =>
      new Promise((resolve, reject) => {
        const job: FoldJob = { kind: "fold", id: this.nextId++, context, options, train, test };
        this.queue.push({
          job,
          done: (r) =>
            r.error || !r.predictions
              ? reject(new Error(`hybrid model on a fold: ${r.error ?? "no predictions"}`))
              : resolve({ predictions: r.predictions, seconds: r.seconds ?? 0 }),
        });
        this.dispatch();
      });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, done } = this.queue.shift()!;
      // A worker that fails is not used again; with none left, the queued folds fail too.
      const fail = (err: Error): void => {
        worker.off("message", answer);
        done({ id: job.id, error: err.message });
        if (--this.alive === 0)
          for (const queued of this.queue.splice(0))
            queued.done({ id: queued.job.id, error: `every worker failed (${err.message})` });
      };
      const answer = (reply: FoldReply): void => {
        worker.off("error", fail);
        this.idle.push(worker);
        done(reply);
        this.dispatch();
      };
      worker.once("message", answer);
      worker.once("error", fail);
      worker.postMessage(job);
    }
  }
}
