/**
 * Descriptive statistics: the one home for means, spreads, quantiles and correlations.
 *
 * Hand-written rather than taken from a library: each is a few lines over typed arrays, and
 * `quantile` must interpolate linearly between order statistics (NumPy's default), which
 * simple-statistics, the maintained candidate, does not do.
 */

/** Count, mean and population variance of the values of one group. */
export interface GroupStats {
  count: number;
  mean: number;
  variance: number;
}

/**
 * Mean of a list of numbers (NaN when empty).
 *
 * @example
 * mean([1, 2, 6]); // 3
 */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/**
 * Variance of a list: population (divided by n) by default, sample (n - 1) with `sample`.
 *
 * @example
 * variance([1, 3]); // 1
 * variance([1, 3], { sample: true }); // 2
 */
export function variance(xs: ArrayLike<number>, options: { sample?: boolean } = {}): number {
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m) ** 2;
  return ss / Math.max(1, xs.length - (options.sample ? 1 : 0));
}

/**
 * Standard deviation: population by default, sample with `sample` (see {@link variance}).
 *
 * @example
 * standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]); // 2
 */
export function standardDeviation(
  xs: ArrayLike<number>,
  options: { sample?: boolean } = {},
): number {
  return Math.sqrt(variance(xs, options));
}

/**
 * The q-quantile (0..1) of a list of numbers, by linear interpolation between order statistics.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The median: the 0.5-quantile.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/**
 * Pearson correlation of two equally long lists.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // 0.99
 */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length)
    throw new Error(`pearson: ${xs.length} values against ${ys.length} values`);
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Per-key count, mean and population variance of `values` grouped by `keys` (e.g. ratings per user).
 *
 * @example
 * const perUser = groupStats(ratings.userId, ratings.rating); // perUser.get(1)?.mean
 */
export function groupStats(
  keys: ArrayLike<number>,
  values: ArrayLike<number>,
): Map<number, GroupStats> {
  const acc = new Map<number, { n: number; s: number; ss: number }>();
  for (let i = 0; i < keys.length; i++) {
    const a = acc.get(keys[i]) ?? { n: 0, s: 0, ss: 0 };
    a.n++;
    a.s += values[i];
    a.ss += values[i] * values[i];
    acc.set(keys[i], a);
  }
  const out = new Map<number, GroupStats>();
  for (const [k, { n, s, ss }] of acc) {
    const m = s / n;
    out.set(k, { count: n, mean: m, variance: Math.max(0, ss / n - m * m) });
  }
  return out;
}

/**
 * The spread of a list of counts in one table row: how many, the smallest, the median, the 90th
 * percentile and the largest.
 *
 * @example
 * spreadOf("ratings per user", [3, 20, 1000]); // { of: "ratings per user", n: 3, min: 3, median: 20, ... }
 */
export function spreadOf(
  of: string,
  xs: number[],
): { of: string; n: number; min: number; median: number; p90: number; max: number } {
  return {
    of,
    n: xs.length,
    min: Math.min(...xs),
    median: quantile(xs, 0.5),
    p90: quantile(xs, 0.9),
    max: Math.max(...xs),
  };
}
