import { applyRidge, fitRidge } from "../../math/ridge";
import { gatherRows } from "../../math/row-matrix";
import { mean } from "../../math/statistics";
import type { Ratings } from "../data/rating-tables";
import type { RatingContext } from "../features/rating-context";
import { userBiases } from "../features/user-features";
import type { Predictor } from "./cross-validation";

const clip = (v: number): number => Math.min(5, Math.max(1, v));

const meanOf = (ratings: Ratings, rows: Int32Array): number =>
  mean(Float64Array.from(rows, (i) => ratings.rating[i]));

/** Baseline: every rating is the training mean. */
export function globalMeanPredictor(ratings: Ratings): Predictor {
  return (train, test) => new Float32Array(test.length).fill(meanOf(ratings, train));
}

/** Baseline: the user's mean rating, shrunk toward the global mean by count. */
export function userMeanPredictor(ratings: Ratings): Predictor {
  return (train, test) => {
    const mu = meanOf(ratings, train);
    const b = userBiases(ratings, train, mu);
    return Float32Array.from(test, (i) => clip(mu + (b.get(ratings.userId[i]) ?? 0)));
  };
}

/**
 * Baseline: global mean + user bias + ridge regression of the remaining residual on the movie's
 * metadata features (the content features hold no embedding columns).
 */
export function userBiasRidgePredictor(
  ratings: Ratings,
  ctx: RatingContext,
  lambda = 1e-3,
): Predictor {
  const width = ctx.features.names.length;
  const movieRows = { values: ctx.features.values, width };
  const rowFeatures = (rows: Int32Array): Float64Array =>
    gatherRows(
      movieRows,
      Int32Array.from(rows, (i) => ctx.features.rowOf.get(ratings.movieId[i])!),
      Float64Array,
    ).values;
  return (train, test) => {
    const mu = meanOf(ratings, train);
    const b = userBiases(ratings, train, mu);
    const y = Float64Array.from(
      train,
      (i) => ratings.rating[i] - mu - (b.get(ratings.userId[i]) ?? 0),
    );
    const w = fitRidge(rowFeatures(train), y, train.length, width, lambda);
    const v = applyRidge(w, rowFeatures(test), test.length, width);
    return Float32Array.from(test, (i, k) => clip(mu + (b.get(ratings.userId[i]) ?? 0) + v[k]));
  };
}
