/**
 * The particle network's designs, in one place: the CLI's default and the candidates the benchmarks
 * compare it with, each a configuration of the interaction network (interaction-layer.ts).
 */
import { DEFAULT_SIZING, type SizingOptions } from "../training/sized-training";
import { type InteractionConfig, interactionParamCount, kernelOf } from "./interaction-layer";
import { allParts } from "./network-parts";
import { partsOf } from "./network-surgery";

/**
 * The first design, `substep`: the interaction network with a pair function of 5 hidden units on
 * pair terms along r̂ and u (PAIR_ALONG_R_AND_U), each pair coefficient scaled by a learned bilinear factor of the two particles'
 * properties, and step control η = 0.2 (at least 6 substeps, more where the learned accelerations
 * ask for them). It was chosen by its minimum score over the law zoo and the three public sets
 * (`npm run bench:generality`, docs/results/generality.md), not by its score on the public sets.
 * Why the factors: forces that scale with masses or charges are a product, qᵢ qⱼ g(d), that a few
 * tanh units fit only roughly (`--designs substep,plain` compares the design without them). Why
 * step control: given each law's true accelerations, equal substeps leave the integrator far
 * above the noise floor on the zoo's hardest laws where step control does not
 * (`npm run bench:integration`). It was the CLI's design until {@link BROAD_DESIGN}, sized to
 * each set, replaced it: its vocabulary cannot express pair forces along a particle's own
 * velocity or a fixed direction, three-body forces or an inertia (docs/particles.md).
 */
export const SUBSTEP_DESIGN: InteractionConfig = {
  hidden: [5],
  seed: 1,
  stepControl: 0.2,
  factors: true,
};

/**
 * A candidate for comparison, measured by `npm run bench:generality -- --designs plain`: the
 * previous default, {@link SUBSTEP_DESIGN} without the property factors and with 6 hidden units
 * (96 parameters).
 */
export const PLAIN_DESIGN: InteractionConfig = { ...SUBSTEP_DESIGN, hidden: [6], factors: false };

/**
 * The designs `npm run bench:generality` and notebook 04 compare, by name: `broad` ({@link
 * BROAD_DESIGN} sized to each set, the CLI's), `substep` ({@link SUBSTEP_DESIGN}) and `plain`
 * ({@link PLAIN_DESIGN}). (Tables of earlier
 * runs also hold `inverse-square`, a retired design whose invariants and self term were the three
 * public sets' laws; its rows stay as history, its code is gone.)
 */
export type DesignName = "substep" | "plain" | "broad";

/**
 * Every part of the network's vocabulary (see NetworkParts): pair inputs and outputs along each
 * particle's own velocity, across it, and along three learned axes; a three-body function; the
 * field; an inertia; with step control η = 0.2 and property factors as in {@link SUBSTEP_DESIGN}.
 * Why three axes: they span space, so a law's fixed direction is a combination of them from the
 * first step; with two, the search had to turn one onto it, and whether it did depended on the
 * seed (docs/particles.md).
 * The CLI's design: the training fits its size to each set (see trainSized), removing the parts
 * the data does not need, so that the network saved holds only the parts kept. Chosen by its
 * minimum and median over the law zoo and the public sets (`npm run bench:generality -- --designs
 * broad`, docs/results/generality-broad.md).
 */
export const BROAD_DESIGN: InteractionConfig = {
  ...SUBSTEP_DESIGN,
  hidden: [8],
  parts: allParts(3, 4),
};

/** The design the CLI, the notebook and the benchmarks use unless told otherwise. */
export const DEFAULT_DESIGN_NAME: DesignName = "broad";

/** Every {@link DesignName}. */
export const DESIGN_NAMES: readonly DesignName[] = ["substep", "plain", "broad"];

/** Each design by name. */
export const DESIGNS: Record<DesignName, InteractionConfig> = {
  substep: SUBSTEP_DESIGN,
  plain: PLAIN_DESIGN,
  broad: BROAD_DESIGN,
};

/**
 * The designs whose size is fitted to the data by the sizing recipe (see trainSized), with its
 * settings; the others train as they are.
 */
export const DESIGN_SIZING: Partial<Record<DesignName, SizingOptions>> = {
  broad: DEFAULT_SIZING,
};

/** The hidden widths each design runs with unless told otherwise. */
export const DESIGN_WIDTHS: Record<DesignName, number[]> = {
  substep: SUBSTEP_DESIGN.hidden,
  plain: PLAIN_DESIGN.hidden,
  broad: BROAD_DESIGN.hidden,
};

/**
 * A design's parameters by part, each with what it holds: the pair MLP (its inputs → hidden
 * widths → output directions), its property factors, the learned axes, the three-body function,
 * the field's parts, the inertia, and all. Counted from the arrays the network holds.
 *
 * @example
 * showTable(designParts(SUBSTEP_DESIGN)); // pair MLP (7 inputs → 5 → rhat, u) 52, ...
 */
export function designParts(design: InteractionConfig): { part: string; params: number }[] {
  const parts = partsOf(design);
  const kernel = kernelOf(design);
  const sizes = kernel.paramSizes();
  const specs = kernel.paramSpecs();
  const count = (test: (name: string) => boolean) =>
    specs.reduce((n, s, k) => n + (test(s.name) ? sizes[k] : 0), 0);
  const rows = [
    {
      part: parts.outputs.length
        ? `pair MLP (${parts.inputs.length} inputs → ${design.hidden.join(" → ")} → ${parts.outputs.join(", ")})`
        : "pair MLP (none)",
      params: count((n) => /^[wb]\d+$/.test(n)),
    },
    { part: "property factors", params: count((n) => n === "pair_factor") },
    { part: `learned axes (${parts.axes})`, params: count((n) => n === "axes") },
    {
      part: parts.triplet
        ? `three-body MLP (${parts.triplet.inputs.length} inputs → ${parts.triplet.hidden} → 1)`
        : "three-body MLP (none)",
      params: count((n) => n.startsWith("triplet_")),
    },
    {
      part: `field (${parts.field.join(", ") || "none"})`,
      params: count((n) => n.startsWith("field_") || n.startsWith("central_")),
    },
    { part: "inertia", params: count((n) => n === "inertia") },
  ].filter((r) => r.params > 0 || r.part.startsWith("pair MLP"));
  return [...rows, { part: "all", params: interactionParamCount(design) }];
}

/**
 * The parts a network keeps, in one line: the pair function's inputs, width and directions, the
 * factors, axes, three-body function, field parts and inertia.
 *
 * @example
 * keptStructure(SUBSTEP_DESIGN); // "pair (d, inv_d, …) → 5 → (rhat, u) with factors; field (trap, …)"
 */
export function keptStructure(design: InteractionConfig): string {
  const p = partsOf(design);
  const pieces = [
    p.outputs.length
      ? `pair (${p.inputs.join(", ")}) → ${design.hidden.join(" → ")} → (${p.outputs.join(", ")})${design.factors ? " with factors" : ""}`
      : "no pair function",
    ...(p.axes ? [`${p.axes} ${p.axes > 1 ? "axes" : "axis"}`] : []),
    ...(p.triplet ? [`three-body (${p.triplet.inputs.join(", ")}) → ${p.triplet.hidden}`] : []),
    p.field.length ? `field (${p.field.join(", ")})` : "no field",
    ...(p.inertia ? ["inertia"] : []),
  ];
  return pieces.join("; ");
}
