import { N_IN, N_OUT, SAMPLE_IN, SAMPLE_OUT } from "./particle-data";

/**
 * How far the forces move particles within one step: the root mean square of what is left of the
 * target position after free flight, `y - (p + v dt)`, over the first `limit` samples. Near the
 * noise (0.01) a law is nearly free flight; notebook 04 draws it for the zoo and the public sets.
 *
 * @example
 * freeFlightResidual(data.trainX, data.trainY); // e.g. 0.083
 */
export function freeFlightResidual(
  x: Float32Array,
  y: Float32Array,
  dt = 0.5,
  limit = Infinity,
): number {
  const n = Math.min(limit, x.length / SAMPLE_IN);
  let sum = 0;
  for (let s = 0; s < n; s++)
    for (let i = 0; i < SAMPLE_IN / N_IN; i++)
      for (let c = 0; c < N_OUT; c++) {
        const at = s * SAMPLE_IN + i * N_IN + c;
        const r = y[s * SAMPLE_OUT + i * N_OUT + c] - x[at] - dt * x[at + 3];
        sum += r * r;
      }
  return Math.sqrt(sum / (n * SAMPLE_OUT));
}
