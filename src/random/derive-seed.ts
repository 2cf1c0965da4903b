/**
 * How every seed of the project is derived from the seed a user gives (`--seed`, a training
 * option), by purpose: one place, so that two purposes never share a stream by accident and a
 * derivation is changed once. Each rule is fixed: changing one changes every result that used it.
 */
const RULES = {
  /** A particle network's initialisation, from a run's seed (the run's split uses the seed itself). */
  "particle-network": (seed: number) => seed + 1,
  /** One layer's initialiser in a particle network: never 0, which tfjs reads as "unseeded". */
  "particle-layer": (seed: number, layer: number) => 1 + seed * 1000 + layer,
  /** The rating network's initialisation, from a training's seed. */
  "rating-network": (seed: number) => seed * 100 + 1,
  /** One part of the rating network (its layers and embeddings, numbered from 1). */
  "rating-layer": (seed: number, part: number) => seed + part,
  /** The movies a rating training holds out for early stopping. */
  "rating-holdout": (seed: number) => seed + 17,
} as const satisfies Record<string, (seed: number, index: number) => number>;

/** What a derived seed is for: a key of the rules above. */
export type SeedPurpose = keyof typeof RULES;

/**
 * The seed for `purpose` (and its `index`: a layer, a part) derived from `seed`.
 *
 * @example
 * deriveSeed(0, "particle-network"); // 1
 * deriveSeed(1, "particle-layer", 2); // 1003
 */
export function deriveSeed(seed: number, purpose: SeedPurpose, index = 0): number {
  return RULES[purpose](seed, index);
}
