import * as dfd from "danfojs-node";

import type { Movie, RatingQueries, Ratings } from "./data";

/**
 * Turns column records (ratings, queries, or movies) into a danfo DataFrame for exploration. Kept
 * apart from `data.ts` so that the server and the CLIs do not load danfojs-node (about 0.7 s).
 *
 * @example
 * toDataFrame(readRatings()).head().print();
 */
export function toDataFrame(table: Ratings | RatingQueries | Movie[]): dfd.DataFrame {
  if (Array.isArray(table)) {
    const flat = table.map((m) => ({
      ...m,
      genres: m.genres.join("|"),
      productionCompanies: m.productionCompanies.join("|"),
      productionCountries: m.productionCountries.join("|"),
      spokenLanguages: m.spokenLanguages.join("|"),
    }));
    return new dfd.DataFrame(flat);
  }
  const cols: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(table)) cols[k] = Array.from(v as ArrayLike<number>);
  return new dfd.DataFrame(cols);
}
