import { availableParallelism } from "node:os";

import * as tf from "@tensorflow/tfjs";

import { type CachedResult, cachedResult } from "../../io/cached-result";
import type { Ratings } from "../data/rating-tables";
import type { RatingContext } from "../features/rating-context";
import { RatingModel, type RatingTrainOptions } from "../model/rating-model";
import { globalMeanPredictor, userBiasRidgePredictor, userMeanPredictor } from "./baselines";
import { crossValidate, type CvResult, type Predictor } from "./cross-validation";
import { HybridFoldPool } from "./hybrid-fold-pool";

/**
 * The names of the five methods the notebook compares, by key: what results and tables call them.
 * Code refers to a method by its key (`RATING_METHODS.hybridFull`), never by its display name.
 */
export const RATING_METHODS = {
  globalMean: "global mean",
  userMean: "user mean",
  userBiasRidge: "user bias + ridge on metadata",
  hybridNoEmbedding: "hybrid, no embedding",
  hybridFull: "hybrid, full (with embedding)",
} as const;

/**
 * The five methods the notebook compares, by name (see {@link RATING_METHODS}): global mean, user
 * mean, user bias + ridge on metadata, the hybrid model on metadata only, and the hybrid model
 * with the overview embedding. With a `pool` (see HybridFoldPool) started with the two contexts
 * in that order, the hybrid models train in its worker threads.
 */
export function ratingMethods(
  ratings: Ratings,
  metadataOnly: RatingContext,
  withEmbedding: RatingContext,
  options: Partial<RatingTrainOptions> = {},
  pool?: HybridFoldPool,
): Record<string, Predictor> {
  // With a pool, started with [metadataOnly, withEmbedding], the hybrid models train in its workers.
  const hybrid = (ctx: RatingContext): Predictor =>
    pool
      ? pool.predictor(ctx === metadataOnly ? 0 : 1, options)
      : (train, test) => hybridFoldPredictions(ratings, ctx, options, train, test);
  const m = RATING_METHODS;
  return {
    [m.globalMean]: globalMeanPredictor(ratings),
    [m.userMean]: userMeanPredictor(ratings),
    [m.userBiasRidge]: userBiasRidgePredictor(ratings, metadataOnly),
    [m.hybridNoEmbedding]: hybrid(metadataOnly),
    [m.hybridFull]: hybrid(withEmbedding),
  };
}

/**
 * The hybrid model trained on the `train` rows of `ratings` with context `ctx`, predicting the
 * `test` rows; the model is disposed after. One fold of {@link ratingMethods}'s hybrid methods,
 * in this thread or in a worker of HybridFoldPool.
 *
 * @example
 * const predictions = await hybridFoldPredictions(ratings, ctx, { epochs: 40 }, trainRows, testRows);
 */
export async function hybridFoldPredictions(
  ratings: Ratings,
  ctx: RatingContext,
  options: Partial<RatingTrainOptions>,
  train: Int32Array,
  test: Int32Array,
): Promise<Float32Array> {
  const model = await RatingModel.train(ratings, ctx, options, train);
  const predictions = model.predict(
    Int32Array.from(test, (i) => ratings.userId[i]),
    Int32Array.from(test, (i) => ratings.movieId[i]),
  );
  model.net.dispose();
  return predictions;
}

/**
 * The notebook's comparison: {@link crossValidate} of {@link ratingMethods}, read back from the
 * result cache (see cachedResult) when the ratings, movies, embeddings, settings and code are
 * unchanged; `reused` says which. The hybrid models train on `workers` threads (default one per
 * core; 1 trains in this thread), every fold at once: the results are the same.
 *
 * @example
 * const { value: cv, reused } = await ratingMethodsCv(ratings, metaCtx, fullCtx, { epochs: 40 }, 5);
 */
export function ratingMethodsCv(
  ratings: Ratings,
  metadataOnly: RatingContext,
  withEmbedding: RatingContext,
  options: Partial<RatingTrainOptions>,
  k: number,
  seed = 0,
  onFold?: (method: string, fold: number, mse: number) => void,
  workers = availableParallelism(),
): Promise<CachedResult<CvResult[]>> {
  const local = ratingMethods(ratings, metadataOnly, withEmbedding, options);
  const names = Object.keys(local);
  const run = async (): Promise<CvResult[]> => {
    if (workers <= 1) return crossValidate(ratings, local, k, seed, onFold);
    const pool = HybridFoldPool.start(ratings, [metadataOnly, withEmbedding], workers);
    try {
      const methods = ratingMethods(ratings, metadataOnly, withEmbedding, options, pool);
      return await crossValidate(ratings, methods, k, seed, onFold, { concurrent: true });
    } finally {
      await pool.close();
    }
  };
  return cachedResult(
    {
      label: `${k}-fold cross-validation of ${names.length} rating methods`,
      settings: {
        methods: names,
        options,
        k,
        seed,
        backend: tf.getBackend(),
        movies: withEmbedding.movies,
        embeddingModel: withEmbedding.embeddingModel,
      },
      inputs: [
        ratings.userId,
        ratings.movieId,
        ratings.rating,
        withEmbedding.embedding?.vectors ?? new Float32Array(0),
      ],
    },
    run,
  );
}

/** Mean squared error per bucket of `keys` (bucket i holds edges[i] <= key < edges[i + 1]). */
export function errorByBucket(
  keys: ArrayLike<number>,
  squaredErrors: ArrayLike<number>,
  edges: number[],
): { bucket: string; rows: number; mse: number }[] {
  return edges.slice(0, -1).map((lo, b) => {
    const hi = edges[b + 1];
    let n = 0;
    let s = 0;
    for (let i = 0; i < keys.length; i++)
      if (keys[i] >= lo && keys[i] < hi) {
        n++;
        s += squaredErrors[i];
      }
    return {
      bucket: hi === Infinity ? `${lo}+` : `${lo}-${hi - 1}`,
      rows: n,
      mse: n > 0 ? s / n : NaN,
    };
  });
}

/**
 * Squared errors of `predictions` (one per rating) by how many ratings the row's user has in
 * `userCounts` and by how many its movie has in `ratings`: where a model's errors are.
 *
 * @example
 * const { byUser, byMovie } = errorsByActivity(ratings, cv[0].predictions, stats);
 */
export function errorsByActivity(
  ratings: Ratings,
  predictions: ArrayLike<number>,
  userCounts: { byUser: Map<number, { count: number }> },
): {
  byUser: ReturnType<typeof errorByBucket>;
  byMovie: ReturnType<typeof errorByBucket>;
} {
  const squared = Array.from(predictions, (p, i) => (p - ratings.rating[i]) ** 2);
  const movieCount = new Map<number, number>();
  ratings.movieId.forEach((m) => movieCount.set(m, (movieCount.get(m) ?? 0) + 1));
  return {
    byUser: errorByBucket(
      Array.from(ratings.userId, (u) => userCounts.byUser.get(u)!.count),
      squared,
      [0, 50, 100, 250, 500, 1000, Infinity],
    ),
    byMovie: errorByBucket(
      Array.from(ratings.movieId, (m) => movieCount.get(m)!),
      squared,
      [1, 2, 5, 10, 25, 50, 100, Infinity],
    ),
  };
}

/**
 * What adding the overview embedding does to the cross-validated MSE: the change (positive:
 * lower with it), the full model's fold-to-fold spread, and whether the change is within half
 * of that spread.
 *
 * @example
 * const { gain, sd, withinSpread } = embeddingEffect(cv);
 */
export function embeddingEffect(cv: { method: string; mean: number; sd: number }[]): {
  gain: number;
  sd: number;
  withinSpread: boolean;
} {
  const byName = new Map(cv.map((r) => [r.method, r]));
  const full = byName.get(RATING_METHODS.hybridFull)!;
  const gain = byName.get(RATING_METHODS.hybridNoEmbedding)!.mean - full.mean;
  return { gain, sd: full.sd, withinSpread: Math.abs(gain) < full.sd / 2 };
}

/**
 * The cross-validation results as table rows: each method's mean MSE, its spread over the
 * folds, the challenge's predictive score and the seconds it took.
 *
 * @example
 * showTable(cvSummaryRows(cv), 4);
 */
export function cvSummaryRows(
  cv: { method: string; mean: number; sd: number; score: number; seconds: number }[],
): Record<string, string | number>[] {
  return cv.map((r) => ({
    method: r.method,
    "MSE (mean)": r.mean,
    "MSE (sd over folds)": r.sd,
    "predictive score": r.score,
    seconds: Math.round(r.seconds),
  }));
}
