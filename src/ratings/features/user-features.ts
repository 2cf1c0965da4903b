import type { AsJson } from "../../io/as-json";
import { fitRidge } from "../../math/ridge";
import { mean } from "../../math/statistics";
import { yieldToEventLoop } from "../../runtime/event-loop";
import type { Ratings } from "../data/rating-tables";
import { assignMovieFolds } from "../evaluation/movie-folds";

/** Shrinkage strengths: a statistic counts like this many ratings at its prior. */
export const SHRINK = {
  bias: 5,
  spread: 5,
  genre: 10,
  collection: 5,
  userCollection: 2,
  movieText: 5,
  userText: 20,
} as const;

/** Ridge penalty of the regression from a movie's text components to its residual rating. */
export const TEXT_RIDGE_LAMBDA = 0.05;

/** What the features need to know about movies: genre indices, collection, text components. */
export interface MovieGroups {
  genresOf: (movieId: number) => readonly number[];
  collectionOf: (movieId: number) => string | null;
  nGenres: number;
  /** Whitened principal components of the overview embedding (see textComponents), if used. */
  textOf?: (movieId: number) => Float32Array | undefined;
  /** Length of `textOf`'s vectors; 0 without an embedding. */
  textDim?: number;
}

/** What the features know of one user, learned from their ratings. */
export interface UserProfile {
  /** How many ratings the user gave. */
  count: number;
  /** Mean residual from the global mean, shrunk toward 0 ({@link SHRINK}.bias). */
  bias: number;
  /** Standard deviation of the user's ratings, shrunk toward the global one. */
  spread: number;
  /** Per genre (spec order): mean residual after bias on the genre's movies, shrunk. */
  genreAffinity: Float64Array;
  /** Per text component: the user's residuals averaged along it, shrunk. */
  textAffinity: Float64Array;
}

/** Statistics learned from a set of ratings. */
export interface UserStats {
  globalMean: number;
  byUser: Map<number, UserProfile>;
  /** collection -> [ratings, summed residual after user bias]. */
  byCollection: Map<string, [number, number]>;
  /** `${userId}|${collection}` -> [ratings, summed residual after user bias]. */
  byUserCollection: Map<string, [number, number]>;
  nGenres: number;
  textDim: number;
  /** Ridge weights (then intercept) from text components to a movie's shrunk residual, or null. */
  textWeights: Float64Array | null;
}

/**
 * User biases of the ratings `rows`: each user's mean residual from `mu`, shrunk toward 0 as if
 * {@link SHRINK}.bias more ratings sat at the prior.
 *
 * @example
 * const bias = userBiases(ratings, rows, mean(ratings.rating)); // bias.get(1)
 */
export function userBiases(
  ratings: Ratings,
  rows: ArrayLike<number>,
  mu: number,
): Map<number, number> {
  const acc = new Map<number, [number, number]>();
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const a = acc.get(ratings.userId[i]) ?? [0, 0];
    a[0]++;
    a[1] += ratings.rating[i] - mu;
    acc.set(ratings.userId[i], a);
  }
  return new Map([...acc].map(([u, [n, s]]) => [u, s / (n + SHRINK.bias)]));
}

/** {@link UserStats} as JSON holds them: typed arrays as number lists, maps as entry lists. */
export type SavedUserStats = AsJson<UserStats>;

/**
 * The statistics as saved with a model (see {@link userStatsFromJson}).
 *
 * @example
 * JSON.stringify(userStatsToJson(learnUserStats(ratings, rows, groups)));
 */
export function userStatsToJson(stats: UserStats): SavedUserStats {
  const list = (a: ArrayLike<number>): number[] => Array.from(a);
  return {
    ...stats,
    textWeights: stats.textWeights && list(stats.textWeights),
    byUser: [...stats.byUser].map(([u, p]) => [u, { ...p, ...affinities(p, list) }]),
    byCollection: [...stats.byCollection],
    byUserCollection: [...stats.byUserCollection],
  };
}

/** Reads back statistics saved by {@link userStatsToJson}. */
export function userStatsFromJson(saved: SavedUserStats): UserStats {
  const doubles = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);
  return {
    ...saved,
    textWeights: saved.textWeights && doubles(saved.textWeights),
    byUser: new Map(saved.byUser.map(([u, p]) => [u, { ...p, ...affinities(p, doubles) }])),
    byCollection: new Map(saved.byCollection),
    byUserCollection: new Map(saved.byUserCollection),
  };
}

/** A profile's two affinity vectors, each converted by `to` (to JSON lists, or back). */
function affinities<A>(
  p: { genreAffinity: ArrayLike<number>; textAffinity: ArrayLike<number> },
  to: (a: ArrayLike<number>) => A,
): { genreAffinity: A; textAffinity: A } {
  return { genreAffinity: to(p.genreAffinity), textAffinity: to(p.textAffinity) };
}

/**
 * Learns statistics from the ratings `rows` (indices into `ratings`): per user count, bias (mean
 * residual from the global mean, shrunk toward 0), spread, per-genre affinity (mean residual after
 * bias on the genre's movies, shrunk) and per text component; per collection and per (user,
 * collection) the residual sums; and a ridge regression from text components to movie residuals.
 */
export function learnUserStats(
  ratings: Ratings,
  rows: ArrayLike<number>,
  groups: MovieGroups,
): UserStats {
  const { nGenres } = groups;
  const textDim = groups.textOf ? (groups.textDim ?? 0) : 0;
  const globalMean = rows.length > 0 ? mean(Float64Array.from(rows, (i) => ratings.rating[i])) : 0;
  const biasOf = userBiases(ratings, rows, globalMean);
  const { totals, globalVariance } = sumUserRatings(ratings, rows, globalMean, nGenres, textDim);
  const residuals = sumResidualsAfterBias(ratings, rows, groups, globalMean, biasOf, totals);
  const byUser = new Map<number, UserProfile>();
  for (const [u, t] of totals) byUser.set(u, userProfile(t, biasOf.get(u)!, globalVariance));
  const textWeights =
    residuals.byMovie.size > 0 ? fitTextRidge(residuals.byMovie, groups, textDim) : null;
  return {
    globalMean,
    byUser,
    byCollection: residuals.byCollection,
    byUserCollection: residuals.byUserCollection,
    nGenres,
    textDim,
    textWeights,
  };
}

/** What one user's ratings add up to while their profile is learned. */
interface UserTotals {
  ratings: number;
  /** Sum of (rating − global mean). */
  residualSum: number;
  /** Sum of (rating − global mean)². */
  residualSquares: number;
  /** Per genre: the summed residual after the user's bias, and how many ratings. */
  genreResidualSums: Float64Array;
  genreRatings: Float64Array;
  /** Per text component: the residuals after bias, weighted by the movie's component. */
  textResidualSums: Float64Array;
}

/** Per user, the count and residual sums of their ratings; and the variance of all residuals. */
function sumUserRatings(
  ratings: Ratings,
  rows: ArrayLike<number>,
  globalMean: number,
  nGenres: number,
  textDim: number,
): { totals: Map<number, UserTotals>; globalVariance: number } {
  const totals = new Map<number, UserTotals>();
  let squares = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const u = ratings.userId[i];
    const t = totals.get(u) ?? {
      ratings: 0,
      residualSum: 0,
      residualSquares: 0,
      genreResidualSums: new Float64Array(nGenres),
      genreRatings: new Float64Array(nGenres),
      textResidualSums: new Float64Array(textDim),
    };
    const r = ratings.rating[i] - globalMean;
    t.ratings++;
    t.residualSum += r;
    t.residualSquares += r * r;
    squares += r * r;
    totals.set(u, t);
  }
  return { totals, globalVariance: squares / Math.max(1, rows.length) };
}

/** A count and a summed residual, per collection, (user, collection) pair or movie. */
type ResidualTotals<K> = Map<K, [number, number]>;

/**
 * The residuals after each user's bias, summed per genre and text component into `totals`, and
 * per collection, per (user, collection) and per movie (movies with a text vector) into maps.
 */
function sumResidualsAfterBias(
  ratings: Ratings,
  rows: ArrayLike<number>,
  groups: MovieGroups,
  globalMean: number,
  biasOf: Map<number, number>,
  totals: Map<number, UserTotals>,
): {
  byCollection: ResidualTotals<string>;
  byUserCollection: ResidualTotals<string>;
  byMovie: ResidualTotals<number>;
} {
  const textDim = groups.textOf ? (groups.textDim ?? 0) : 0;
  const byCollection: ResidualTotals<string> = new Map();
  const byUserCollection: ResidualTotals<string> = new Map();
  const byMovie: ResidualTotals<number> = new Map();
  const add = <K>(m: ResidualTotals<K>, key: K, v: number): void => {
    const e = m.get(key) ?? [0, 0];
    e[0]++;
    e[1] += v;
    m.set(key, e);
  };
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const u = ratings.userId[i];
    const t = totals.get(u)!;
    const residual = ratings.rating[i] - globalMean - biasOf.get(u)!;
    for (const g of groups.genresOf(ratings.movieId[i])) {
      t.genreResidualSums[g] += residual;
      t.genreRatings[g]++;
    }
    const c = groups.collectionOf(ratings.movieId[i]);
    if (c) {
      add(byCollection, c, residual);
      add(byUserCollection, `${u}|${c}`, residual);
    }
    const text = textDim > 0 ? groups.textOf!(ratings.movieId[i]) : undefined;
    if (text) {
      for (let d = 0; d < textDim; d++) t.textResidualSums[d] += residual * text[d];
      add(byMovie, ratings.movieId[i], residual);
    }
  }
  return { byCollection, byUserCollection, byMovie };
}

/** A user's profile from their totals, each statistic shrunk toward its prior ({@link SHRINK}). */
function userProfile(t: UserTotals, bias: number, globalVariance: number): UserProfile {
  const variance = Math.max(0, t.residualSquares / t.ratings - (t.residualSum / t.ratings) ** 2);
  return {
    count: t.ratings,
    bias,
    spread: Math.sqrt(
      (t.ratings * variance + SHRINK.spread * globalVariance) / (t.ratings + SHRINK.spread),
    ),
    genreAffinity: t.genreResidualSums.map((s, g) => s / (t.genreRatings[g] + SHRINK.genre)),
    textAffinity: t.textResidualSums.map((s) => s / (t.ratings + SHRINK.userText)),
  };
}

/** Ridge regression from the movies' text components to their shrunk mean residuals. */
function fitTextRidge(
  byMovie: Map<number, [number, number]>,
  groups: MovieGroups,
  textDim: number,
): Float64Array {
  const x = new Float64Array(byMovie.size * textDim);
  const y = new Float64Array(byMovie.size);
  let k = 0;
  for (const [movieId, [n, s]] of byMovie) {
    x.set(groups.textOf!(movieId)!, k * textDim);
    y[k++] = s / (n + SHRINK.movieText);
  }
  return fitRidge(x, y, byMovie.size, textDim, TEXT_RIDGE_LAMBDA);
}

/** What the feature columns of one (user, movie) pair are computed from. */
export interface PairStatistics {
  /** The user's profile; undefined for a user unseen in training. */
  profile: UserProfile | undefined;
  /** The movie's genres (indices). */
  genres: readonly number[];
  /** Sum of the user's affinities over the movie's genres. */
  genreAffinitySum: number;
  /** [ratings, summed residual] of the movie's collection, and of this user in it. */
  collection: [number, number] | undefined;
  userCollection: [number, number] | undefined;
  /** The text ridge's prediction of the movie's residual, and the user's text affinity to it. */
  textResidual: number;
  userTextAffinity: number;
}

/**
 * The per-row features learned from ratings, in column order: each entry's name and how its
 * value follows from the pair's statistics. A new feature is one entry here (and whatever it
 * needs in {@link PairStatistics}); the column count, names and the network's input width follow.
 */
export const USER_FEATURES = [
  {
    name: "userLogCount",
    value: (p: PairStatistics) => (p.profile ? Math.log1p(p.profile.count) / 5 : 0),
  },
  { name: "userBias", value: (p: PairStatistics) => (p.profile ? p.profile.bias : 0) },
  { name: "userSpread", value: (p: PairStatistics) => (p.profile ? p.profile.spread : 1) },
  {
    name: "userGenreAffinity",
    value: (p: PairStatistics) =>
      p.profile && p.genres.length > 0 ? p.genreAffinitySum / p.genres.length : 0,
  },
  {
    name: "collectionResidual",
    value: (p: PairStatistics) =>
      p.collection ? p.collection[1] / (p.collection[0] + SHRINK.collection) : 0,
  },
  {
    name: "collectionLogCount",
    value: (p: PairStatistics) => (p.collection ? Math.log1p(p.collection[0]) / 5 : 0),
  },
  {
    name: "userCollectionResidual",
    value: (p: PairStatistics) =>
      p.userCollection ? p.userCollection[1] / (p.userCollection[0] + SHRINK.userCollection) : 0,
  },
  { name: "textResidual", value: (p: PairStatistics) => p.textResidual },
  { name: "userTextAffinity", value: (p: PairStatistics) => p.userTextAffinity },
] as const;

/** Names of the per-row features learned from ratings, in column order. */
export const USER_FEATURE_NAMES = USER_FEATURES.map((f) => f.name);

/** The statistics of one (user, movie) pair; unknown users and movies get the priors. */
export function pairStatistics(
  stats: UserStats,
  userId: number,
  movieId: number,
  groups: MovieGroups,
): PairStatistics {
  const profile = stats.byUser.get(userId);
  const genres = groups.genresOf(movieId);
  let genreAffinitySum = 0;
  if (profile) for (const g of genres) genreAffinitySum += profile.genreAffinity[g];
  const c = groups.collectionOf(movieId);
  const text = stats.textDim > 0 ? groups.textOf?.(movieId) : undefined;
  let textResidual = 0;
  let userTextAffinity = 0;
  if (text && stats.textWeights) {
    textResidual = stats.textWeights[stats.textDim];
    for (let d = 0; d < stats.textDim; d++) textResidual += stats.textWeights[d] * text[d];
  }
  if (text && profile)
    for (let d = 0; d < stats.textDim; d++) userTextAffinity += profile.textAffinity[d] * text[d];
  return {
    profile,
    genres,
    genreAffinitySum,
    collection: c ? stats.byCollection.get(c) : undefined,
    userCollection: c ? stats.byUserCollection.get(`${userId}|${c}`) : undefined,
    textResidual,
    userTextAffinity,
  };
}

/** Writes the feature row of (user, movie) as row `row` of `out` (see {@link USER_FEATURES}). */
export function userFeatureRow(
  stats: UserStats,
  userId: number,
  movieId: number,
  groups: MovieGroups,
  out: Float32Array,
  row = 0,
): void {
  const p = pairStatistics(stats, userId, movieId, groups);
  const at = row * USER_FEATURES.length;
  USER_FEATURES.forEach((f, j) => (out[at + j] = f.value(p)));
}

/** Feature rows of (user, movie) pairs to predict, from statistics learned on all training rows. */
export function userFeaturesFor(
  stats: UserStats,
  userIds: ArrayLike<number>,
  movieIds: ArrayLike<number>,
  groups: MovieGroups,
): Float32Array {
  const width = USER_FEATURE_NAMES.length;
  const out = new Float32Array(userIds.length * width);
  for (let i = 0; i < userIds.length; i++)
    userFeatureRow(stats, userIds[i], movieIds[i], groups, out, i);
  return out;
}

/**
 * Out-of-fold feature rows of training rows: the rows' movies are split into `folds` groups, and
 * each row's features come from statistics learned without its fold, so no row's own rating (nor
 * any rating of its movie, as at test time) feeds its features. Asynchronous only to let the
 * event loop run between folds.
 */
export async function outOfFoldUserFeatures(
  ratings: Ratings,
  rows: Int32Array,
  groups: MovieGroups,
  folds = 5,
  seed = 0,
): Promise<Float32Array> {
  const foldOf = assignMovieFolds(
    Array.from(rows, (i) => ratings.movieId[i]),
    folds,
    seed,
  );
  const width = USER_FEATURE_NAMES.length;
  const out = new Float32Array(rows.length * width);
  for (let f = 0; f < folds; f++) {
    const inFold: number[] = [];
    const rest: number[] = [];
    rows.forEach((i, k) => (foldOf.get(ratings.movieId[i]) === f ? inFold.push(k) : rest.push(i)));
    // Between folds the event loop runs: a server training this stays responsive.
    await yieldToEventLoop();
    const stats = learnUserStats(ratings, rest, groups);
    for (const k of inFold) {
      const i = rows[k];
      userFeatureRow(stats, ratings.userId[i], ratings.movieId[i], groups, out, k);
    }
  }
  return out;
}
