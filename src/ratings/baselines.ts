import { fitRidge } from "../math/linear-system";
import type { Predictor } from "./cross-validation";
import type { Ratings } from "./data";
import type { RatingContext } from "./rating-context";
import { SHRINK } from "./user-features";

const clip = (v: number): number => Math.min(5, Math.max(1, v));

function meanOf(ratings: Ratings, rows: Int32Array): number {
  return rows.reduce((s, i) => s + ratings.rating[i], 0) / rows.length;
}

/** User bias: mean residual from `mu`, shrunk toward 0 by the user's count. */
function userBiases(ratings: Ratings, rows: Int32Array, mu: number): Map<number, number> {
  const acc = new Map<number, [number, number]>();
  for (const i of rows) {
    const a = acc.get(ratings.userId[i]) ?? [0, 0];
    a[0]++;
    a[1] += ratings.rating[i] - mu;
    acc.set(ratings.userId[i], a);
  }
  return new Map([...acc].map(([u, [n, s]]) => [u, s / (n + SHRINK.bias)]));
}

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
 * metadata features (no embedding columns).
 */
export function userBiasRidgePredictor(
  ratings: Ratings,
  ctx: RatingContext,
  lambda = 1e-3,
): Predictor {
  const cols = ctx.features.names
    .map((n, j) => [n, j] as const)
    .filter(([n]) => !n.startsWith("emb:"))
    .map(([, j]) => j);
  const width = ctx.features.names.length;
  const rowFeatures = (rows: Int32Array): Float64Array => {
    const x = new Float64Array(rows.length * cols.length);
    rows.forEach((i, k) => {
      const r = ctx.features.rowOf.get(ratings.movieId[i])!;
      cols.forEach((j, c) => (x[k * cols.length + c] = ctx.features.values[r * width + j]));
    });
    return x;
  };
  return (train, test) => {
    const mu = meanOf(ratings, train);
    const b = userBiases(ratings, train, mu);
    const y = Float64Array.from(
      train,
      (i) => ratings.rating[i] - mu - (b.get(ratings.userId[i]) ?? 0),
    );
    const w = fitRidge(rowFeatures(train), y, train.length, cols.length, lambda);
    const xt = rowFeatures(test);
    return Float32Array.from(test, (i, k) => {
      let v = w[cols.length];
      for (let c = 0; c < cols.length; c++) v += w[c] * xt[k * cols.length + c];
      return clip(mu + (b.get(ratings.userId[i]) ?? 0) + v);
    });
  };
}
