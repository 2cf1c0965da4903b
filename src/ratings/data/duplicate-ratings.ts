import type { Ratings } from "./rating-tables";

/** Ratings with repeated (user, movie) pairs reduced to their last row, and how many were dropped. */
export interface DedupedRatings {
  ratings: Ratings;
  /** Rows dropped because a later row rates the same (user, movie) pair. */
  duplicates: number;
  /** 1-based rows of the first few dropped rows, for messages. */
  examples: number[];
}

/**
 * Keeps the last row of every (user, movie) pair, in file order: a re-rating replaces the rating.
 *
 * @example
 * keepLastRatings(parseRatingsCsv(text, "upload.csv")).duplicates; // 0 when every pair is unique
 */
export function keepLastRatings(ratings: Ratings): DedupedRatings {
  const lastRow = new Map<string, number>();
  ratings.userId.forEach((u, i) => lastRow.set(`${u}|${ratings.movieId[i]}`, i));
  if (lastRow.size === ratings.userId.length) return { ratings, duplicates: 0, examples: [] };
  const keep = Int32Array.from(lastRow.values()).sort();
  const kept = new Set(keep);
  const examples: number[] = [];
  for (let i = 0; i < ratings.userId.length && examples.length < 5; i++)
    if (!kept.has(i)) examples.push(i + 1);
  return {
    ratings: {
      userId: keep.map((i) => ratings.userId[i]),
      movieId: keep.map((i) => ratings.movieId[i]),
      rating: Float32Array.from(keep, (i) => ratings.rating[i]),
    },
    duplicates: ratings.userId.length - keep.length,
    examples,
  };
}
