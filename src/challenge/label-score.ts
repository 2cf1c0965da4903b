import { mse } from "../math/mse";
import { readRatings } from "../ratings/data/rating-tables";

/**
 * MSE of predictions against a labels CSV (`userId,movieId,rating`), matched by (user, movie);
 * every query must have a label.
 */
export function scoreAgainstLabels(
  answer: Record<string, number>,
  queries: { userId: Int32Array; movieId: Int32Array },
  labelsPath: string,
): number {
  const labels = readRatings(labelsPath);
  const label = new Map<string, number>();
  labels.userId.forEach((u, i) => label.set(`${u}|${labels.movieId[i]}`, labels.rating[i]));
  const n = queries.userId.length;
  const predicted = new Float64Array(n);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = label.get(`${queries.userId[i]}|${queries.movieId[i]}`);
    if (y === undefined)
      throw new Error(
        `${labelsPath}: no label for query row ${i + 1} (user ${queries.userId[i]}, movie ${queries.movieId[i]})`,
      );
    const p = answer[String(i)];
    if (typeof p !== "number") throw new Error(`the answer has no prediction "${i}"`);
    predicted[i] = p;
    target[i] = y;
  }
  return mse(predicted, target);
}
