import { mse } from "../../math/mse";
import { mean, standardDeviation } from "../../math/statistics";
import type { Ratings } from "../data/rating-tables";
import { assignMovieFolds } from "./movie-folds";
import { predictiveScore } from "./predictive-score";

/** Predicts the ratings of `testRows` after learning from `trainRows` (indices into the ratings). */
export type Predictor = (
  trainRows: Int32Array,
  testRows: Int32Array,
) => Promise<Float32Array> | Float32Array;

/** One method's cross-validated error. */
export interface CvResult {
  method: string;
  foldMse: number[];
  mean: number;
  /** Standard deviation of the fold MSEs. */
  sd: number;
  /** The challenge's predictive score of the mean MSE. */
  score: number;
  seconds: number;
  /** Out-of-fold prediction of every row (each row predicted by the fold that did not train on it). */
  predictions: Float32Array;
}

/** Assigns every row a fold by its movie: all ratings of a movie share a fold (seeded). */
export function movieFolds(ratings: Ratings, k: number, seed = 0): Int32Array {
  const foldOf = assignMovieFolds(ratings.movieId, k, seed);
  return Int32Array.from(ratings.movieId, (m) => foldOf.get(m)!);
}

/**
 * Movie-wise K-fold cross-validation: in each fold the validation movies are absent from the
 * training rows, as test movies are. Returns MSE per fold, mean, spread and predictive score.
 *
 * @example
 * const [r] = await crossValidate(ratings, { "global mean": globalMeanPredictor(ratings) }, 5);
 */
export async function crossValidate(
  ratings: Ratings,
  methods: Record<string, Predictor>,
  k = 5,
  seed = 0,
  onFold?: (method: string, fold: number, mse: number) => void,
): Promise<CvResult[]> {
  const folds = movieFolds(ratings, k, seed);
  const all = Int32Array.from({ length: folds.length }, (_, i) => i);
  const out: CvResult[] = [];
  for (const [method, predict] of Object.entries(methods)) {
    const started = Date.now();
    const foldMse: number[] = [];
    const predictions = new Float32Array(folds.length);
    for (let f = 0; f < k; f++) {
      const train = all.filter((i) => folds[i] !== f);
      const test = all.filter((i) => folds[i] === f);
      const pred = await predict(train, test);
      test.forEach((i, j) => (predictions[i] = pred[j]));
      const foldError = mse(
        pred,
        Float32Array.from(test, (i) => ratings.rating[i]),
      );
      foldMse.push(foldError);
      onFold?.(method, f, foldError);
    }
    const meanMse = mean(foldMse);
    out.push({
      method,
      foldMse,
      mean: meanMse,
      sd: standardDeviation(foldMse, { sample: true }),
      score: predictiveScore(meanMse),
      seconds: (Date.now() - started) / 1000,
      predictions,
    });
  }
  return out;
}
