/**
 * The particle network's designs, in one place: the CLI's default and the candidates the benchmarks
 * compare it with, each a configuration of the interaction network (interaction-layer.ts).
 */
import {
  FIELD_TERM_PARAMS,
  type InteractionConfig,
  interactionParamCount,
  PAIR_FACTOR_PARAMS,
} from "./interaction-layer";

/**
 * The one design used on every data set: the substep interaction network with a pair function of 5
 * hidden units, each pair coefficient scaled by a learned bilinear factor of the two particles'
 * properties, and step control η = 0.2 (at least 6 substeps, more where the learned accelerations
 * ask for them). It was chosen by its minimum score over the law zoo and the three public sets
 * (`npm run bench:generality`, docs/results/generality.md), not by its score on the public sets.
 * Why the factors: forces that scale with masses or charges are a product, qᵢ qⱼ g(d), that a few
 * tanh units fit only roughly (`--designs substep,plain` compares the design without them). Why
 * step control: given each law's true accelerations, equal substeps leave the integrator far
 * above the noise floor on the zoo's hardest laws where step control does not
 * (`npm run bench:integration`).
 */
export const DEFAULT_DESIGN: InteractionConfig = {
  hidden: [5],
  seed: 1,
  stepControl: 0.2,
  factors: true,
};

/**
 * A candidate for comparison, measured by `npm run bench:generality -- --designs plain`: the
 * previous default, {@link DEFAULT_DESIGN} without the property factors and with 6 hidden units
 * (96 parameters).
 */
export const PLAIN_DESIGN: InteractionConfig = { ...DEFAULT_DESIGN, hidden: [6], factors: false };

/**
 * The designs `npm run bench:generality` and notebook 04 compare, by name: `substep` ({@link
 * DEFAULT_DESIGN}, the CLI's) and `plain` ({@link PLAIN_DESIGN}, a candidate). (Tables of earlier
 * runs also hold `inverse-square`, a retired design whose invariants and self term were the three
 * public sets' laws; its rows stay as history, its code is gone.)
 */
export type DesignName = "substep" | "plain";

/** Every {@link DesignName}. */
export const DESIGN_NAMES: readonly DesignName[] = ["substep", "plain"];

/** Each design by name. */
export const DESIGNS: Record<DesignName, InteractionConfig> = {
  substep: DEFAULT_DESIGN,
  plain: PLAIN_DESIGN,
};

/** The hidden widths each design runs with unless told otherwise. */
export const DESIGN_WIDTHS: Record<DesignName, number[]> = {
  substep: DEFAULT_DESIGN.hidden,
  plain: PLAIN_DESIGN.hidden,
};

/**
 * A design's parameters by part: the pair MLP, its property factors, the field term, and all.
 *
 * @example
 * showTable(designParts(DEFAULT_DESIGN)); // pair MLP (7 → 5 → 2) 52, property factors 8, ...
 */
export function designParts(design: InteractionConfig): { part: string; params: number }[] {
  const factors = design.factors ? PAIR_FACTOR_PARAMS : 0;
  const total = interactionParamCount(design);
  return [
    {
      part: `pair MLP (7 → ${design.hidden.join(" → ")} → 2)`,
      params: total - factors - FIELD_TERM_PARAMS,
    },
    { part: "property factors", params: factors },
    { part: "field term", params: FIELD_TERM_PARAMS },
    { part: "all", params: total },
  ];
}
