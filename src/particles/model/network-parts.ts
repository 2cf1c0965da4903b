/**
 * The vocabulary of the particle network: the pair function's inputs and the directions its
 * outputs act along, the field's parts, and the optional parts (learned axes, a three-body term,
 * an inertia). A design names the parts it has; pruning removes parts by name (see prune.ts).
 */

/**
 * Inputs the pair function of an ordered pair (i, j) can read, with r = pⱼ − pᵢ, d = |r|,
 * r̂ = r / d, u = vⱼ − vᵢ, and the properties qᵢ, qⱼ:
 * - `d`, `inv_d`: d and 1/d (short and long range both smooth);
 * - `radial_speed`: r̂·u; `speed`: |u|;
 * - `qi`, `qj`, `qiqj`: the properties and their product;
 * - `radial_vi`, `radial_vj`: r̂·vᵢ and r̂·vⱼ, `vi_vj`: vᵢ·vⱼ (each particle's own velocity, for
 *   laws that are not Galilean invariant);
 * - `axis0`, `axis1`, …: n̂ₖ·r̂ against a learned fixed direction nₖ (see {@link NetworkParts.axes}).
 */
export const PAIR_INPUTS = [
  "d",
  "inv_d",
  "radial_speed",
  "speed",
  "qi",
  "qj",
  "qiqj",
  "radial_vi",
  "radial_vj",
  "vi_vj",
] as const;

/** A pair input's name: one of {@link PAIR_INPUTS} or `axis<k>`. */
export type PairInput = (typeof PAIR_INPUTS)[number] | `axis${number}`;

/**
 * Directions a pair function's output can act along on particle i: `rhat` r̂, `u` the relative
 * velocity, `vi` and `vj` each particle's own velocity, `vi_x_rhat` vᵢ × r̂ and `u_x_rhat` u × r̂
 * (forces across a velocity, as magnetic ones are), and `axis<k>` a learned fixed direction nₖ.
 */
export const PAIR_OUTPUTS = ["rhat", "u", "vi", "vj", "vi_x_rhat", "u_x_rhat"] as const;

/** A pair output's direction: one of {@link PAIR_OUTPUTS} or `axis<k>`. */
export type PairOutput = (typeof PAIR_OUTPUTS)[number] | `axis${number}`;

/**
 * Inputs of the three-body function of an ordered triple (i, j, k): the triangle's sides dᵢⱼ,
 * dᵢₖ, dⱼₖ and the three properties.
 */
export const TRIPLET_INPUTS = ["dij", "dik", "djk", "qi", "qj", "qk"] as const;

/** A three-body input's name. */
export type TripletInput = (typeof TRIPLET_INPUTS)[number];

/**
 * The field's parts, acting on each particle alone: `trap` A p with a symmetric A, `radial`
 * f(|p|) p̂ with a learned radial function, `drag` B v with a general B, `uniform` a constant c.
 * Each is gated by α + β q of the particle's property (trap and radial share one gate).
 */
export const FIELD_PARTS = ["trap", "radial", "drag", "uniform"] as const;

/** A field part's name. */
export type FieldPart = (typeof FIELD_PARTS)[number];

/**
 * The parts a particle network has (no outputs: no pair function). The acceleration of particle i is
 *
 *     aᵢ = s(qᵢ) · ( Σⱼ Σₒ cₒ(xᵢⱼ) Dₒ  +  Σⱼ≠ₖ t(yᵢⱼₖ) r̂ᵢⱼ  +  field(pᵢ, vᵢ, qᵢ) )
 *
 * with the pair function c (an MLP on the pair inputs x, each output cₒ scaled by a property
 * factor) along the directions Dₒ, the three-body function t (an MLP on the triangle y) along
 * r̂ᵢⱼ, and the inertia s(q) = 1 / (1 + w₀ + w₁ q).
 */
export interface NetworkParts {
  /** The pair function's inputs, in order. */
  inputs: PairInput[];
  /** The directions of the pair function's outputs, in order. */
  outputs: PairOutput[];
  /** Learned fixed directions n₀, n₁, … that `axis<k>` inputs and outputs refer to. */
  axes: number;
  /** The three-body function's inputs and hidden width, or null without one. */
  triplet: { inputs: TripletInput[]; hidden: number } | null;
  /** The field's parts present. */
  field: FieldPart[];
  /** With the inertia s(q) dividing each particle's acceleration. */
  inertia: boolean;
}

/**
 * The parts of the design the network started from: pair inputs d, 1/d, r̂·u, |u| and the
 * properties, outputs along r̂ and u, every field part, and nothing else.
 */
export const PAIR_ALONG_R_AND_U: NetworkParts = {
  inputs: ["d", "inv_d", "radial_speed", "speed", "qi", "qj", "qiqj"],
  outputs: ["rhat", "u"],
  axes: 0,
  triplet: null,
  field: [...FIELD_PARTS],
  inertia: false,
};

/**
 * Every part of the vocabulary, with `axes` learned directions and a three-body function of
 * `tripletHidden` units: the broad design pruning starts from.
 */
export function allParts(axes: number, tripletHidden: number): NetworkParts {
  const axisNames = Array.from({ length: axes }, (_, k) => `axis${k}` as const);
  return {
    inputs: [...PAIR_INPUTS, ...axisNames],
    outputs: [...PAIR_OUTPUTS, ...axisNames],
    axes,
    triplet: tripletHidden > 0 ? { inputs: [...TRIPLET_INPUTS], hidden: tripletHidden } : null,
    field: [...FIELD_PARTS],
    inertia: true,
  };
}

/** The index of axis input or output `axis<k>`, or -1 for any other name. */
export function axisIndex(name: string): number {
  return name.startsWith("axis") ? Number(name.slice(4)) : -1;
}

/**
 * Which gate columns the field has: p (trap or radial), v (drag), c (uniform), in that order.
 */
export function fieldGates(field: readonly FieldPart[]): ("p" | "v" | "c")[] {
  const gates: ("p" | "v" | "c")[] = [];
  if (field.includes("trap") || field.includes("radial")) gates.push("p");
  if (field.includes("drag")) gates.push("v");
  if (field.includes("uniform")) gates.push("c");
  return gates;
}

/** Checks that a parts list is consistent (names known, axes referred to exist), or throws. */
export function checkParts(parts: NetworkParts): void {
  const known = (name: string, list: readonly string[]) => {
    const k = axisIndex(name);
    if (k >= 0 ? !(Number.isInteger(k) && k < parts.axes) : !list.includes(name))
      throw new Error(`unknown network part "${name}"`);
  };
  parts.inputs.forEach((n) => known(n, PAIR_INPUTS));
  parts.outputs.forEach((n) => known(n, PAIR_OUTPUTS));
  parts.field.forEach((n) => known(n, FIELD_PARTS));
  parts.triplet?.inputs.forEach((n) => known(n, TRIPLET_INPUTS));
}

/**
 * The parts with their names restored as this module spells them. tfjs's model loading turns
 * every string of a layer's saved configuration into camelCase (`radial_speed` comes back as
 * `radialSpeed`); this undoes that for the names of the vocabulary.
 */
export function restorePartNames(parts: NetworkParts): NetworkParts {
  const camel = (n: string) => n.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase());
  const restore = <T extends string>(names: readonly T[], known: readonly string[]): T[] =>
    names.map((n) => (known.find((k) => k === n || camel(k) === n) ?? n) as T);
  return {
    ...parts,
    inputs: restore(parts.inputs, PAIR_INPUTS),
    outputs: restore(parts.outputs, PAIR_OUTPUTS),
    triplet: parts.triplet && {
      ...parts.triplet,
      inputs: restore(parts.triplet.inputs, TRIPLET_INPUTS),
    },
    field: restore(parts.field, FIELD_PARTS),
  };
}
