/**
 * A value's type as JSON holds it, derived rather than written out: typed arrays become number
 * lists, maps entry lists, tuples and objects are converted element by element, and everything
 * else stays. For the saved form of in-memory structures, so that a field added to the structure
 * is a field of its saved form too.
 *
 * @example
 * type Saved = AsJson<{ weights: Float64Array; byUser: Map<number, { bias: number }> }>;
 * // { weights: number[]; byUser: [number, { bias: number }][] }
 */
export type AsJson<T> = T extends Float64Array | Float32Array | Int32Array
  ? number[]
  : T extends Map<infer K, infer V>
    ? [K, AsJson<V>][]
    : T extends readonly unknown[]
      ? { [I in keyof T]: AsJson<T[I]> }
      : T extends object
        ? { [K in keyof T]: AsJson<T[K]> }
        : T;
