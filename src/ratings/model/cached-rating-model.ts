import { readFileSync } from "node:fs";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";

import { writeFileAtomic } from "../../io/atomic-write";
import { RESULT_CACHE_DIR, resultKey, REUSED_MARK } from "../../io/cached-result";
import { projectEnvironment } from "../../runtime/environment";
import type { Ratings } from "../data/rating-tables";
import type { RatingContext } from "../features/rating-context";
import { RatingModel, type RatingTrainOptions, type TrainingRun } from "./rating-model";

/** What {@link cachedRatingModel} returns: the model, and how it was obtained. */
export interface CachedRatingModel {
  model: RatingModel;
  /** True when the model was loaded from the cache rather than trained now. */
  reused: boolean;
  /** Seconds the training took when it ran (now, or when it was cached). */
  seconds: number;
}

/** What is kept beside a cached model's folder: its training's run and time. */
interface CachedTraining {
  run: TrainingRun | null;
  seconds: number;
  computedAt: string;
}

/**
 * Where {@link cachedRatingModel} keeps the model trained on these ratings, movies, embeddings,
 * options and code: its folder and the sidecar with its run and time, keyed as cachedResult keys
 * its entries (see resultKey).
 */
export function ratingModelEntry(
  ratings: Ratings,
  ctx: RatingContext,
  options: Partial<RatingTrainOptions>,
): { label: string; dir: string; sidecar: string } {
  const label = `rating model on ${ratings.rating.length} ratings`;
  const key = resultKey({
    label,
    settings: {
      options,
      backend: tf.getBackend(),
      movies: ctx.movies,
      embeddingModel: ctx.embeddingModel,
    },
    inputs: [
      ratings.userId,
      ratings.movieId,
      ratings.rating,
      ctx.embedding?.vectors ?? new Float32Array(0),
    ],
  });
  return {
    label,
    dir: join(RESULT_CACHE_DIR, `${key}.model`),
    sidecar: join(RESULT_CACHE_DIR, `${key}.training.json`),
  };
}

/**
 * {@link RatingModel.train}, once per distinct ratings, movies, embeddings, options and code: the
 * model is saved in `.cache/results/<key>.model/` (RatingModel.save's folder, written atomically)
 * with its run and training time beside it, and later calls with the same inputs load it instead
 * of training (keyed as cachedResult keys its entries, see resultKey). Prints one line saying
 * which happened. `RESULT_CACHE=off` always trains and stores nothing; an entry that cannot be
 * loaded is trained again, never trusted.
 *
 * @example
 * const { model, reused } = await cachedRatingModel(readRatings(), ctx, { epochs: 40 });
 */
export async function cachedRatingModel(
  ratings: Ratings,
  ctx: RatingContext,
  options: Partial<RatingTrainOptions> = {},
  log: (line: string) => void = console.log,
): Promise<CachedRatingModel> {
  const { label, dir, sidecar } = ratingModelEntry(ratings, ctx, options);
  const enabled = projectEnvironment().resultCache;
  if (enabled) {
    try {
      const kept = JSON.parse(readFileSync(sidecar, "utf8")) as CachedTraining;
      const model = await RatingModel.load(dir, ctx);
      model.run = kept.run;
      log(
        `${label}: ${REUSED_MARK} computed ${kept.computedAt} ` +
          `(${kept.seconds.toFixed(0)} s then; same data, settings and code)`,
      );
      return { model, reused: true, seconds: kept.seconds };
    } catch {
      // no entry, or one that cannot be read: train
    }
  }
  const started = Date.now();
  const model = await RatingModel.train(ratings, ctx, options);
  const seconds = (Date.now() - started) / 1000;
  if (enabled) {
    await model.save(dir);
    // Written after the folder: an entry without it is trained again.
    const kept: CachedTraining = { run: model.run, seconds, computedAt: new Date().toISOString() };
    writeFileAtomic(sidecar, JSON.stringify(kept));
  }
  return { model, reused: false, seconds };
}
