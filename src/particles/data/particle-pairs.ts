import { N_PARTICLES } from "./particle-data";

/** Ordered pairs (i, j), i != j, of a sample's particles: 12 for 4 particles. */
export const N_PAIRS = N_PARTICLES * (N_PARTICLES - 1);

/** The receiving particle i of each ordered pair, pairs grouped by i. */
export const PAIR_I: readonly number[] = Array.from({ length: N_PAIRS }, (_, k) =>
  Math.floor(k / (N_PARTICLES - 1)),
);

/** The acting particle j of each ordered pair, in the order of {@link PAIR_I}. */
export const PAIR_J: readonly number[] = PAIR_I.map((i, k) => {
  const j = k % (N_PARTICLES - 1);
  return j >= i ? j + 1 : j;
});
