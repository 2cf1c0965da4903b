/**
 * A row-major matrix: `values` holds rows of `width` numbers each, one after the other. The one
 * layout the project's numeric tables share (particle samples, movie features, user features).
 */
export interface RowMatrix<A extends Float32Array | Float64Array = Float32Array> {
  readonly values: A;
  readonly width: number;
}

/**
 * The rows `rows` of `m` (indices, any order, repeats allowed) as a new matrix of the same width,
 * in a `Float32Array` or, given `Float64Array`, in doubles.
 *
 * @example
 * gatherRows({ values: Float32Array.of(1, 2, 3, 4, 5, 6), width: 2 }, [2, 0]).values; // [5, 6, 1, 2]
 */
export function gatherRows<A extends Float32Array | Float64Array = Float32Array>(
  m: RowMatrix<Float32Array | Float64Array>,
  rows: ArrayLike<number>,
  type: { new (n: number): A } = Float32Array as unknown as { new (n: number): A },
): RowMatrix<A> {
  const { values, width } = m;
  const out = new type(rows.length * width);
  // Element by element: a `subarray` per row allocates, and training gathers a batch every step.
  for (let k = 0; k < rows.length; k++) {
    const from = rows[k] * width;
    const to = k * width;
    for (let j = 0; j < width; j++) out[to + j] = values[from + j];
  }
  return { values: out, width };
}
