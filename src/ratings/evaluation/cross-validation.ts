import { mse } from "../../math/mse";
import { mean, standardDeviation } from "../../math/statistics";
import type { Ratings } from "../data/rating-tables";
import { assignMovieFolds } from "./movie-folds";
import { predictiveScore } from "./predictive-score";

/**
 * Predicts the ratings of `testRows` after learning from `trainRows` (indices into the ratings):
 * the predictions, or the predictions and the seconds of training they took (a predictor that
 * waits for a worker says how long the worker worked, not how long it waited).
 */
export type Predictor = (
  trainRows: Int32Array,
  testRows: Int32Array,
) => Promise<Prediction> | Prediction;

/** What a {@link Predictor} answers. */
export type Prediction = Float32Array | { predictions: Float32Array; seconds: number };

/** One method's cross-validated error. */
export interface CvResult {
  method: string;
  foldMse: number[];
  mean: number;
  /** Standard deviation of the fold MSEs. */
  sd: number;
  /** The challenge's predictive score of the mean MSE. */
  score: number;
  /** Seconds of training, summed over the folds. */
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
 * training rows, as test movies are. Returns MSE per fold, mean, spread, predictive score and the
 * seconds of training (summed over folds). With `concurrent`, every method's folds are asked for
 * at once, for predictors that train in worker threads (see HybridFoldPool); without, one after
 * the other. The results are the same either way; `onFold` hears each fold as it ends.
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
  { concurrent = false }: { concurrent?: boolean } = {},
): Promise<CvResult[]> {
  const folds = movieFolds(ratings, k, seed);
  const all = Int32Array.from({ length: folds.length }, (_, i) => i);
  const splits = Array.from({ length: k }, (_, f) => ({
    train: all.filter((i) => folds[i] !== f),
    test: all.filter((i) => folds[i] === f),
  }));
  const runFold = async (method: string, predict: Predictor, f: number) => {
    const { train, test } = splits[f];
    const started = Date.now();
    const answer = await predict(train, test);
    const { predictions, seconds } =
      answer instanceof Float32Array
        ? { predictions: answer, seconds: (Date.now() - started) / 1000 }
        : answer;
    const error = mse(
      predictions,
      Float32Array.from(test, (i) => ratings.rating[i]),
    );
    onFold?.(method, f, error);
    return { predictions, seconds, error };
  };
  const runMethod = async ([method, predict]: [string, Predictor]): Promise<CvResult> => {
    const runs = [];
    if (concurrent)
      runs.push(...(await Promise.all(splits.map((_, f) => runFold(method, predict, f)))));
    else for (let f = 0; f < k; f++) runs.push(await runFold(method, predict, f));
    const predictions = new Float32Array(folds.length);
    runs.forEach((r, f) => splits[f].test.forEach((i, j) => (predictions[i] = r.predictions[j])));
    const foldMse = runs.map((r) => r.error);
    const meanMse = mean(foldMse);
    return {
      method,
      foldMse,
      mean: meanMse,
      sd: standardDeviation(foldMse, { sample: true }),
      score: predictiveScore(meanMse),
      seconds: runs.reduce((s, r) => s + r.seconds, 0),
      predictions,
    };
  };
  const entries = Object.entries(methods);
  if (concurrent) return Promise.all(entries.map(runMethod));
  const out: CvResult[] = [];
  for (const entry of entries) out.push(await runMethod(entry));
  return out;
}
