/**
 * Solves A X = B for a symmetric positive definite A (k × k) and B (k × m), both row-major, by
 * Gaussian elimination without pivoting (safe for SPD matrices); returns X (k × m).
 *
 * @example
 * solveSpd(Float64Array.of(2, 0, 0, 4), Float64Array.of(2, 8), 2, 1); // [1, 2]
 */
export function solveSpd(a: Float64Array, b: Float64Array, k: number, m: number): Float64Array {
  const A = a.slice();
  const B = b.slice();
  for (let c = 0; c < k; c++) {
    const piv = A[c * k + c];
    if (!(piv > 0))
      throw new Error(`solveSpd: the matrix is not positive definite (pivot ${piv} at ${c})`);
    for (let r = c + 1; r < k; r++) {
      const f = A[r * k + c] / piv;
      if (f === 0) continue;
      for (let j = c; j < k; j++) A[r * k + j] -= f * A[c * k + j];
      for (let j = 0; j < m; j++) B[r * m + j] -= f * B[c * m + j];
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    for (let j = 0; j < m; j++) {
      let v = B[c * m + j];
      for (let r = c + 1; r < k; r++) v -= A[c * k + r] * B[r * m + j];
      B[c * m + j] = v / A[c * k + c];
    }
  }
  return B;
}

/**
 * Ridge regression with an intercept: minimises ‖X w + w0 − y‖² + λ n ‖w‖² (the intercept is not
 * penalised). X is row-major (n × p). Returns the p weights followed by the intercept.
 */
export function fitRidge(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  p: number,
  lambda: number,
): Float64Array {
  const k = p + 1;
  const ata = new Float64Array(k * k);
  const aty = new Float64Array(k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = x[i * p + j];
    row[p] = 1;
    for (let a = 0; a < k; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < k; b++) ata[a * k + b] += ra * row[b];
      aty[a] += ra * y[i];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) ata[a * k + b] = ata[b * k + a];
  for (let a = 0; a < p; a++) ata[a * k + a] += lambda * n;
  ata[p * k + p] += 1e-9 * n;
  return solveSpd(ata, aty, k, 1);
}
