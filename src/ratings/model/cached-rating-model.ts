import * as tf from "@tensorflow/tfjs";

import { cachedResult, type ResultKey } from "../../io/cached-result";
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

/**
 * The result-cache key of {@link cachedRatingModel}'s training on these ratings, movies,
 * embeddings and options (see resultKey: the code is part of every key).
 */
export function ratingModelKey(
  ratings: Ratings,
  ctx: RatingContext,
  options: Partial<RatingTrainOptions>,
): ResultKey {
  return {
    label: `rating model on ${ratings.rating.length} ratings`,
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
  };
}

/**
 * {@link RatingModel.train} through the result cache (cachedResult): the trained model's folder
 * files (RatingModel.folderFiles) and its run are kept, and a later call with the same ratings,
 * movies, embeddings, options and code loads the model from them instead of training. Prints one
 * line saying which happened; `RESULT_CACHE=off` always trains, and so does an entry that does
 * not load.
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
  // The model trained now, if it was: returned as it is rather than loaded from its files.
  const fresh: { model?: RatingModel } = {};
  const key = ratingModelKey(ratings, ctx, options);
  const { value, reused, seconds } = await cachedResult(
    key,
    async (): Promise<{ files: Record<string, Uint8Array>; run: TrainingRun | null }> => {
      const model = await RatingModel.train(ratings, ctx, options);
      fresh.model = model;
      return { files: await model.folderFiles(), run: model.run };
    },
    log,
  );
  if (fresh.model) return { model: fresh.model, reused, seconds };
  try {
    const model = await RatingModel.fromFiles(value.files, ctx, key.label);
    model.run = value.run;
    return { model, reused, seconds };
  } catch (err) {
    // An entry that reads but does not load is not trusted either.
    log(`${key.label}: the cached model does not load (${(err as Error).message}); training again`);
    const started = Date.now();
    const model = await RatingModel.train(ratings, ctx, options);
    return { model, reused: false, seconds: (Date.now() - started) / 1000 };
  }
}
