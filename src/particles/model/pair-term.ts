import { compiledFunction } from "../../runtime/compiled-function";
import * as pairs from "../data/particle-pairs";
import type { KernelMlp } from "./kernel-mlp";
import { axisIndex, type NetworkParts, PAIR_INPUTS, PAIR_OUTPUTS } from "./network-parts";

const N_PAIRS = pairs.N_PAIRS;

/**
 * Each pair's mirror: for pair (i, j) with j < i, the index of pair (j, i), which comes before it
 * in the pairs' order; -1 for the others.
 */
const MIRROR = Int32Array.from(pairs.PAIR_I, (i, k) => {
  const j = pairs.PAIR_J[k];
  return j < i ? pairs.PAIR_I.findIndex((i2, k2) => i2 === j && pairs.PAIR_J[k2] === i) : -1;
});

/**
 * The pair inputs whose value is the same for (i, j) and (j, i), to the bit: r and u change sign
 * exactly when i and j swap (a − b is −(b − a) in floating point), so that their squares, r·u,
 * and so d, 1/d, |u| and r̂·u do not, and qᵢqⱼ and vᵢ·vⱼ multiply the same numbers.
 */
const MIRRORED_INPUTS = new Set<string>(["d", "inv_d", "radial_speed", "speed", "qiqj", "vi_vj"]);

/**
 * Whether a pair MLP of these inputs gives pair (j, i) what it gives pair (i, j), so that the
 * forward pass runs it for half the pairs (see PairTerm): every input is one that i and j can
 * swap without changing it.
 *
 * @example
 * mirroredPairs(["d", "inv_d", "qiqj"]); // true
 * mirroredPairs(["d", "qi"]); // false: qᵢ of (j, i) is qⱼ of (i, j)
 */
export function mirroredPairs(inputs: readonly string[]): boolean {
  return inputs.every((name) => MIRRORED_INPUTS.has(name));
}

/** Where the kernel's tape keeps what the pair term reads and writes, and its softening. */
export interface PairTermLayout {
  /** Offset of the positions (4 × 3) in an evaluation's record. */
  positions: number;
  /** Offset of the velocities (4 × 3). */
  velocities: number;
  /** Offset of the first pair's record of MLP activations (`mlp.width` numbers per pair). */
  pairs: number;
  /** Added to squared lengths before a square root, so that d and |u| stay smooth at 0. */
  eps: number;
  /** Index in `params` of the learned axes (3 per axis), or -1. */
  axes: number;
  /** Index in `params` of the pair factors, or -1 without factors. */
  factors: number;
}

/**
 * The pair term's forward pass over every pair of one evaluation: adds cₒ fₒ Dₒ to each particle
 * i's `acc`.
 */
type PairsForward = (
  params: Float64Array[],
  rec: Float64Array,
  at: number,
  acc: Float64Array,
  q: Float64Array,
  fac: Float64Array,
) => void;

/** Back through {@link PairsForward}: adds to the adjoints of positions, velocities and weights. */
type PairsBackward = (
  params: Float64Array[],
  rec: Float64Array,
  at: number,
  gAcc: Float64Array,
  gPos: Float64Array,
  gVel: Float64Array,
  grads: Float64Array[],
  q: Float64Array,
  fac: Float64Array,
) => void;

/** {@link PairsForward} for pair k alone. */
type PairForward = (...args: [...Parameters<PairsForward>, number]) => void;

/** {@link PairsBackward} for pair k alone. */
type PairBackward = (...args: [...Parameters<PairsBackward>, number]) => void;

/**
 * Evaluations after which a pair term runs its unrolled passes (see PairTerm): enough that a
 * network that trains this long repays compiling them, more than one of pruning's refits takes.
 */
export const UNROLL_AFTER = 400_000;

/**
 * The longest source of one compiled function of unrolled pairs, in characters: V8 optimizes no
 * function of more than 60 KiB of bytecode (`--max-optimized-bytecode-size`), and this leaves
 * room for two bytes of bytecode per character.
 */
const UNROLL_MAX_SOURCE = 30_000;

/**
 * The longest source of a whole unrolled pass, in characters: beyond it, a network is one whose
 * unrolled code would take V8 longer to optimize than unrolling saves (the broad design's).
 */
const UNROLL_MAX_PASS = 80_000;

/**
 * The line of a pair's passes that looks up its particles, which the unrolled passes replace with
 * the numbers (see PairTerm).
 */
const PAIR_PARTICLES = "const i = PAIR_I[k], j = PAIR_J[k];";

/** How many pairs one compiled function of unrolled pairs may hold: divisors of the 12 pairs. */
const PAIRS_PER_CALL = [12, 6, 4, 3];

/** The arguments of the compiled passes over every pair (one pair's take `k` as well). */
const FORWARD_ARGS = ["params", "rec", "at", "acc", "q", "fac"];
const BACKWARD_ARGS = ["params", "rec", "at", "gAcc", "gPos", "gVel", "grads", "q", "fac"];

// The code below is written in terms of one pair's geometry, with r = pⱼ − pᵢ (r0, r1, r2),
// u = vⱼ − vᵢ (u0…), vᵢ (vi0…), vⱼ (vj0…), d = √(r·r + ε), invD = 1/d, ru = r·u,
// speed = √(u·u + ε), qi and qj; the adjoints of r, u, vᵢ, vⱼ, d and 1/d are aR0…, aU0…,
// aVI0…, aVJ0…, aD and aInvD, and gA0… is the adjoint of particle i's acceleration.

/** `f(0); f(1); f(2)` for a snippet of one axis c. */
const each = (f: (c: number) => string): string => [0, 1, 2].map(f).join(" ");

/** Each pair input's value. */
const INPUT_VALUE: Record<(typeof PAIR_INPUTS)[number], string> = {
  d: "d",
  inv_d: "invD",
  radial_speed: "ru * invD",
  speed: "speed",
  qi: "qi",
  qj: "qj",
  qiqj: "qi * qj",
  radial_vi: "(r0 * vi0 + r1 * vi1 + r2 * vi2) * invD",
  radial_vj: "(r0 * vj0 + r1 * vj1 + r2 * vj2) * invD",
  vi_vj: "vi0 * vj0 + vi1 * vj1 + vi2 * vj2",
};

/** Each pair input's adjoint `gm` back to the geometry (the properties have none). */
const INPUT_ADJOINT: Record<(typeof PAIR_INPUTS)[number], string> = {
  d: "aD += gm;",
  inv_d: "aInvD += gm;",
  radial_speed: `aInvD += gm * ru; ${each((c) => `aR${c} += gm * invD * u${c}; aU${c} += gm * invD * r${c};`)}`,
  speed: `const s = gm / speed; ${each((c) => `aU${c} += s * u${c};`)}`,
  qi: "",
  qj: "",
  qiqj: "",
  radial_vi: `aInvD += gm * (r0 * vi0 + r1 * vi1 + r2 * vi2); ${each((c) => `aR${c} += gm * invD * vi${c}; aVI${c} += gm * invD * r${c};`)}`,
  radial_vj: `aInvD += gm * (r0 * vj0 + r1 * vj1 + r2 * vj2); ${each((c) => `aR${c} += gm * invD * vj${c}; aVJ${c} += gm * invD * r${c};`)}`,
  vi_vj: each((c) => `aVI${c} += gm * vj${c}; aVJ${c} += gm * vi${c};`),
};

/** v × r̂ for the vector named v, one axis c at a time. */
const crossRhat = (v: string, c: number): string =>
  [`(${v}1 * r2 - ${v}2 * r1)`, `(${v}2 * r0 - ${v}0 * r2)`, `(${v}0 * r1 - ${v}1 * r0)`][c] +
  " * invD";

/**
 * The adjoint of `coef · (v × r̂)` for the vector named v (adjoint aV): a·(v × r) / d =
 * v·(r × a) / d = r·(a × v) / d.
 */
const crossRhatAdjoint = (v: string, aV: string): string =>
  [
    "const s = coef * invD;",
    "const gx0 = r1 * gA2 - r2 * gA1, gx1 = r2 * gA0 - r0 * gA2, gx2 = r0 * gA1 - r1 * gA0;",
    `const gy0 = gA1 * ${v}2 - gA2 * ${v}1, gy1 = gA2 * ${v}0 - gA0 * ${v}2, gy2 = gA0 * ${v}1 - gA1 * ${v}0;`,
    each((c) => `${aV}${c} += s * gx${c}; aR${c} += s * gy${c};`),
    `aInvD += coef * (${v}0 * gx0 + ${v}1 * gx1 + ${v}2 * gx2);`,
  ].join(" ");

/** Each pair output's direction, one axis c at a time, and the adjoint of `coef` times it. */
const OUTPUT: Record<
  (typeof PAIR_OUTPUTS)[number],
  { direction: (c: number) => string; adjoint: string }
> = {
  rhat: {
    direction: (c) => `r${c} * invD`,
    adjoint: `${each((c) => `aR${c} += coef * invD * gA${c};`)} aInvD += coef * (gA0 * r0 + gA1 * r1 + gA2 * r2);`,
  },
  u: { direction: (c) => `u${c}`, adjoint: each((c) => `aU${c} += coef * gA${c};`) },
  vi: { direction: (c) => `vi${c}`, adjoint: each((c) => `aVI${c} += coef * gA${c};`) },
  vj: { direction: (c) => `vj${c}`, adjoint: each((c) => `aVJ${c} += coef * gA${c};`) },
  vi_x_rhat: { direction: (c) => crossRhat("vi", c), adjoint: crossRhatAdjoint("vi", "aVI") },
  u_x_rhat: { direction: (c) => crossRhat("u", c), adjoint: crossRhatAdjoint("u", "aU") },
};

/**
 * The pair term of the interaction kernel, Σⱼ Σₒ cₒ(xᵢⱼ) fₒ(qᵢ, qⱼ) Dₒ over the 12 ordered pairs
 * (see NetworkParts), with its backward pass: the pair's geometry, the inputs x the MLP reads,
 * the MLP, and the directions D its outputs act along. Like {@link KernelMlp} it is written out
 * for the network's parts when it is made and compiled (see compiledFunction): only the inputs and
 * outputs the network has appear, each as its expression in the pair's geometry (INPUT_VALUE,
 * OUTPUT), and the geometry lives in local variables, where a loop over the parts would choose
 * each part's formula at every pair of every evaluation. The arithmetic is that of the formulas
 * in order, so the kernel's results are the same as with plain loops to the last bit; the
 * kernel's tests check the gradient against finite differences for every part. When every input
 * is one that i and j can swap without changing it (MIRRORED_INPUTS), pair (j, i)'s MLP gives
 * what pair (i, j)'s gave, to the bit, and the forward pass copies it rather than running the MLP
 * twice; the backward pass runs it for each pair, whose adjoints differ. `source` shows what was
 * compiled.
 *
 * A pair's passes are functions called once per pair, which serve every network shape pruning
 * makes at little cost to compile. Once a term has run `unrollAfter` evaluations (a network that
 * trains for long, as the kept one does), it compiles both passes again with the pairs written
 * out one after the other, each with its particles' numbers as constants: all 12 in one function,
 * or in as few functions as keep each short enough for V8 to optimize (UNROLL_MAX_SOURCE), so
 * that the pass makes one call, or a few, instead of 12. A network whose unrolled passes would be
 * long (UNROLL_MAX_PASS) keeps its passes per pair. The arithmetic is the same, to the bit, and
 * so is every result; `pairsPerCall` says which passes run.
 *
 * @example
 * const term = new PairTerm(kernel.parts, true, pairMlp, layout);
 * term.forward(params, rec, 0, acc, q, factors); // adds the pair forces to acc
 */
export class PairTerm {
  /**
   * The source of the compiled passes, to read: `mirrored` is the forward pass of a pair that
   * copies its mirror's MLP record ("" when the inputs do not allow it).
   */
  readonly source: { forward: string; mirrored: string; backward: string };
  /**
   * Pair k's part of {@link forward}, compiled. The loop over the pairs stays outside the compiled
   * source: V8 would enter a compiled loop through on-stack replacement at every call, which cost
   * more than the loop (see KernelMlp.accumulate).
   */
  private readonly forwardPair: PairForward;
  /** {@link forwardPair} for a pair (j, i) that copies the MLP record of (i, j), or null. */
  private readonly mirroredPair: PairForward | null;
  /** Pair k's part of {@link backward}, compiled. */
  private readonly backwardPair: PairBackward;
  /**
   * Evaluations left before the passes unroll (see the class comment); ∞ once they have, or once
   * they would not.
   */
  private untilUnrolled: number;
  /** The passes' functions of unrolled pairs, in order, once they are (see the class comment). */
  private unrolledPasses: { forward: PairsForward[]; backward: PairsBackward[] } | null = null;
  /** What {@link unroll} compiles from: the per-pair sources and what they read. */
  private readonly bound: Record<string, unknown>;

  /**
   * @param unrollAfter - evaluations after which the passes unroll, if small enough (see the class
   *   comment); UNROLL_AFTER by default, Infinity never.
   */
  constructor(
    parts: NetworkParts,
    factors: boolean,
    mlp: KernelMlp,
    layout: PairTermLayout,
    unrollAfter = UNROLL_AFTER,
  ) {
    this.untilUnrolled = unrollAfter;
    const axis = (name: string): number => {
      const k = axisIndex(name);
      if (!Number.isSafeInteger(k) || k >= parts.axes)
        throw new Error(`pair term: "${name}" names no axis of the ${parts.axes} the network has`);
      return k;
    };
    const known = <T extends string>(list: readonly T[], name: string, what: string): T => {
      if (!list.includes(name as T)) throw new Error(`pair term: unknown ${what} "${name}"`);
      return name as T;
    };
    const values = parts.inputs.map((name) => {
      if (axisIndex(name) >= 0) {
        const n = 3 * axis(name);
        return `(N[${n}] * r0 + N[${n + 1}] * r1 + N[${n + 2}] * r2) * invD`;
      }
      return INPUT_VALUE[known(PAIR_INPUTS, name, "pair input")];
    });
    const inputAdjoints = parts.inputs.map((name) => {
      if (axisIndex(name) >= 0) {
        const n = 3 * axis(name);
        return `aInvD += gm * (N[${n}] * r0 + N[${n + 1}] * r1 + N[${n + 2}] * r2); ${each((c) => `aR${c} += gm * invD * N[${n + c}]; gAxes[${n + c}] += gm * invD * r${c};`)}`;
      }
      return INPUT_ADJOINT[known(PAIR_INPUTS, name, "pair input")];
    });
    const outputs = parts.outputs.map((name) => {
      if (axisIndex(name) >= 0) {
        const n = 3 * axis(name);
        return {
          direction: (c: number) => `N[${n + c}]`,
          adjoint: each((c) => `gAxes[${n + c}] += coef * gA${c};`),
        };
      }
      return OUTPUT[known(PAIR_OUTPUTS, name, "pair output")];
    });
    const nOut = outputs.length;
    const outAt = mlp.outAt;
    // The pair's geometry, for a pass whose other statements are `rest`: only what they read
    // (with what that reads) is computed, so that a network without the velocity parts computes
    // no velocity; rr's sum, and so d, is the same either way.
    const geometry = (rest: string): string[] => {
      const reads = (name: string) => new RegExp(`\\b${name}\\b`).test(rest);
      const speed = reads("speed");
      const ru = reads("ru");
      const u = speed || ru || reads("u[012]");
      const vi = u || reads("vi[012]");
      const vj = u || reads("vj[012]");
      const sums = ["rr = " + layout.eps, speed ? "uu = " + layout.eps : "", ru ? "ru = 0" : ""];
      return [
        PAIR_PARTICLES,
        `const act = at + ${layout.pairs} + k * ${mlp.width}, F = k * ${nOut};`,
        `const Pi = at + ${layout.positions} + i * 3, Pj = at + ${layout.positions} + j * 3;`,
        vi || vj
          ? `const Vi = at + ${layout.velocities} + i * 3, Vj = at + ${layout.velocities} + j * 3;`
          : "",
        `let ${sums.filter(Boolean).join(", ")};`,
        ...[0, 1, 2].map((c) =>
          [
            vi ? `const vi${c} = rec[Vi + ${c}];` : "",
            vj ? `const vj${c} = rec[Vj + ${c}];` : "",
            `const r${c} = rec[Pj + ${c}] - rec[Pi + ${c}];`,
            u ? `const u${c} = vj${c} - vi${c};` : "",
            `rr += r${c} * r${c};`,
            speed ? `uu += u${c} * u${c};` : "",
            ru ? `ru += r${c} * u${c};` : "",
          ]
            .filter(Boolean)
            .join(" "),
        ),
        `const d = Math.sqrt(rr), invD = 1 / d${speed ? ", speed = Math.sqrt(uu)" : ""};`,
        "const qi = q[i], qj = q[j];",
        "const ai = i * 3;",
      ].filter(Boolean);
    };
    const directions = outputs.map(
      (out, o) =>
        `const e${o}0 = ${out.direction(0)}, e${o}1 = ${out.direction(1)}, e${o}2 = ${out.direction(2)};`,
    );
    const axes = layout.axes >= 0 ? `const N = params[${layout.axes}];` : "";
    // The pair's outputs times its factors along its directions, added to particle i's acc.
    const forces = [
      ...directions,
      ...outputs.map(
        (_, o) =>
          `{ const coef = rec[act + ${outAt + o}] * fac[F + ${o}]; acc[ai] += coef * e${o}0; acc[ai + 1] += coef * e${o}1; acc[ai + 2] += coef * e${o}2; }`,
      ),
    ];
    const forwardRest = [
      ...values.map((v, m) => `const x${m} = ${v}; rec[act + ${m}] = x${m};`),
      mlp.forwardBlock(
        "rec",
        "act",
        values.map((_, m) => `x${m}`),
      ),
      ...forces,
    ].join("\n");
    const forward = [axes, ...geometry(forwardRest), forwardRest].join("\n");
    // With inputs that are the same for (i, j) and (j, i), so is every activation of the MLP:
    // the later of the two copies the earlier's record instead of running the MLP again.
    const mirroredRest = [
      `const M = at + ${layout.pairs} + MIRROR[k] * ${mlp.width};`,
      ...Array.from({ length: mlp.width }, (_, n) => `rec[act + ${n}] = rec[M + ${n}];`),
      ...forces,
    ].join("\n");
    const mirrored = mirroredPairs(parts.inputs)
      ? [axes, ...geometry(mirroredRest), mirroredRest].join("\n")
      : "";
    // Without a velocity input or output the pair's velocity adjoints stay 0, and adding 0 + 0 to
    // gVel, which starts at +0, leaves it as it is: the pass does not write them.
    const velocity = /\ba(U|VI|VJ)[012]\b/.test(
      [...outputs.map((out) => out.adjoint), ...inputAdjoints].join(" "),
    );
    const backwardRest = [
      `const G = k * ${mlp.width};`,
      ...directions,
      "const gA0 = gAcc[ai], gA1 = gAcc[ai + 1], gA2 = gAcc[ai + 2];",
      "let aR0 = 0, aR1 = 0, aR2 = 0, aU0 = 0, aU1 = 0, aU2 = 0, aVI0 = 0, aVI1 = 0, aVI2 = 0;",
      "let aVJ0 = 0, aVJ1 = 0, aVJ2 = 0, aD = 0, aInvD = 0;",
      ...outputs.map((out, o) =>
        [
          "{",
          `const raw = rec[act + ${outAt + o}], fac_ = fac[F + ${o}], coef = raw * fac_;`,
          `const gDir = gA0 * e${o}0 + gA1 * e${o}1 + gA2 * e${o}2;`,
          `g[G + ${outAt + o}] = gDir * fac_;`,
          factors
            ? `{ const gr = gDir * raw; gf[${4 * o}] += gr; gf[${4 * o + 1}] += gr * qi; gf[${4 * o + 2}] += gr * qj; gf[${4 * o + 3}] += gr * qi * qj; }`
            : "",
          out.adjoint,
          "}",
        ].join(" "),
      ),
      mlp.backwardBlock("rec", "act", "k"),
      ...inputAdjoints.map((a, m) => (a ? `{ const gm = g[G + ${m}]; ${a} }` : "")),
      "const gd = (aD - aInvD * invD * invD) * invD;",
      ...[0, 1, 2].map(
        (c) =>
          `{ const gr = aR${c} + gd * r${c}; gPos[j * 3 + ${c}] += gr; gPos[ai + ${c}] -= gr;${velocity ? ` gVel[j * 3 + ${c}] += aU${c} + aVJ${c}; gVel[ai + ${c}] += aVI${c} - aU${c};` : ""} }`,
      ),
    ].join("\n");
    const backward = [
      axes,
      layout.axes >= 0 ? `const gAxes = grads[${layout.axes}];` : "",
      factors ? `const gf = grads[${layout.factors}];` : "",
      ...geometry(backwardRest),
      backwardRest,
    ].join("\n");
    this.source = { forward, mirrored, backward };
    const bound = {
      MIRROR,
      PAIR_I: Int32Array.from(pairs.PAIR_I),
      PAIR_J: Int32Array.from(pairs.PAIR_J),
      g: mlp.g,
    };
    this.bound = bound;
    this.forwardPair = compiledFunction<PairForward>(
      "pairForward",
      bound,
      [...FORWARD_ARGS, "k"],
      forward,
    );
    this.mirroredPair = mirrored
      ? compiledFunction<PairForward>("pairMirrored", bound, [...FORWARD_ARGS, "k"], mirrored)
      : null;
    this.backwardPair = compiledFunction<PairBackward>(
      "pairBackward",
      bound,
      [...BACKWARD_ARGS, "k"],
      backward,
    );
  }

  /**
   * The pairs per call of the forward and backward passes: 1 until they unroll (see the class
   * comment), up to 12 after.
   */
  get pairsPerCall(): { forward: number; backward: number } {
    const passes = this.unrolledPasses;
    return passes
      ? { forward: N_PAIRS / passes.forward.length, backward: N_PAIRS / passes.backward.length }
      : { forward: 1, backward: 1 };
  }

  /** Adds each particle's pair forces at the state at `rec[at…]` to `acc`, recording the MLP's activations. */
  forward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    acc: Float64Array,
    q: Float64Array,
    fac: Float64Array,
  ): void {
    if (this.unrolledPasses) {
      const passes = this.unrolledPasses.forward;
      for (let n = 0; n < passes.length; n++) passes[n](params, rec, at, acc, q, fac);
      return;
    }
    if (--this.untilUnrolled <= 0) this.unroll();
    for (let k = 0; k < N_PAIRS; k++)
      if (this.mirroredPair && MIRROR[k] >= 0) this.mirroredPair(params, rec, at, acc, q, fac, k);
      else this.forwardPair(params, rec, at, acc, q, fac, k);
  }

  /**
   * Back through {@link forward}: given `gAcc`, adds the adjoints of the positions and velocities
   * to `gPos` and `gVel` and of the axes and factors to `grads`, and leaves the MLP's adjoints in
   * `mlp.g` for its `accumulate`.
   */
  backward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    gAcc: Float64Array,
    gPos: Float64Array,
    gVel: Float64Array,
    grads: Float64Array[],
    q: Float64Array,
    fac: Float64Array,
  ): void {
    if (this.unrolledPasses) {
      const passes = this.unrolledPasses.backward;
      for (let n = 0; n < passes.length; n++)
        passes[n](params, rec, at, gAcc, gPos, gVel, grads, q, fac);
      return;
    }
    for (let k = 0; k < N_PAIRS; k++)
      this.backwardPair(params, rec, at, gAcc, gPos, gVel, grads, q, fac, k);
  }

  /**
   * Compiles the unrolled passes (see the class comment), if both are short enough; either way
   * counts no further.
   */
  private unroll(): void {
    this.untilUnrolled = Infinity;
    // Pair k's source with k, i and j as numbers, in a block of its own.
    const pair = (k: number, source: string): string =>
      [
        `{ const k = ${k};`,
        source
          .replace(PAIR_PARTICLES, `const i = ${pairs.PAIR_I[k]}, j = ${pairs.PAIR_J[k]};`)
          .replace(/MIRROR\[k\]/g, String(MIRROR[k])),
        "}",
      ].join("\n");
    const { forward, mirrored, backward } = this.source;
    const ks = Array.from({ length: N_PAIRS }, (_, k) => k);
    const forwards = ks.map((k) => pair(k, mirrored && MIRROR[k] >= 0 ? mirrored : forward));
    const backwards = ks.map((k) => pair(k, backward));
    // The pairs in as few functions as keep each short enough for V8 to optimize.
    const split = <T>(sources: string[], name: string, args: string[]): T[] | null => {
      if (sources.join("\n").length > UNROLL_MAX_PASS) return null;
      const per = PAIRS_PER_CALL.find((n) =>
        ks.every((k) => k % n || sources.slice(k, k + n).join("\n").length <= UNROLL_MAX_SOURCE),
      );
      if (!per) return null;
      return ks
        .filter((k) => k % per === 0)
        .map((k) =>
          compiledFunction<T>(name, this.bound, args, sources.slice(k, k + per).join("\n")),
        );
    };
    const f = split<PairsForward>(forwards, "pairsForward", FORWARD_ARGS);
    const b = split<PairsBackward>(backwards, "pairsBackward", BACKWARD_ARGS);
    if (f && b) this.unrolledPasses = { forward: f, backward: b };
  }
}
