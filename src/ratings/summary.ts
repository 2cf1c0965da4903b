/** Count, mean and population variance of the values of one group. */
export interface GroupStats {
  count: number;
  mean: number;
  variance: number;
}

/**
 * Per-key count, mean and variance of `values` grouped by `keys` (e.g. ratings per user).
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
    const mean = s / n;
    out.set(k, { count: n, mean, variance: Math.max(0, ss / n - mean * mean) });
  }
  return out;
}

/** Mean of a list of numbers (NaN when empty). */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** The q-quantile (0..1) of a list of numbers, by linear interpolation. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Pearson correlation of two equally long lists. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
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
