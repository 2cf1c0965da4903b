import { compiledFunction } from "../../runtime/compiled-function";
import type { KernelMlp } from "./kernel-mlp";
import { TRIPLET_INPUTS, type TripletInput } from "./network-parts";

/**
 * The three-body function's triples: every ordered (i, j, k) of distinct particles, with the
 * sides of its triangle (i → j, i → k, j → k) as indices `from · 4 + to` of the ordered pairs.
 */
export interface Triples {
  /** How many triples. */
  count: number;
  /** Each triple's members i, j, k, three numbers per triple. */
  members: Int32Array;
  /** Each triple's sides i → j, i → k, j → k, three numbers per triple. */
  sides: Int32Array;
}

/** One triple's part of the three-body term's forward pass. */
type TripleForward = (
  params: Float64Array[],
  rec: Float64Array,
  act: number,
  acc: Float64Array,
  q: Float64Array,
  sideR: Float64Array,
  sideD: Float64Array,
  n: number,
) => void;

/** One triple's part of the backward pass. */
type TripleBackward = (
  params: Float64Array[],
  rec: Float64Array,
  act: number,
  gAcc: Float64Array,
  gPos: Float64Array,
  sideR: Float64Array,
  sideD: Float64Array,
  n: number,
) => void;

/** Each three-body input's value: a side's length, or a member's property. */
const INPUT_VALUE: Record<TripletInput, string> = {
  dij: "sideD[ij]",
  dik: "sideD[ik]",
  djk: "sideD[jk]",
  qi: "q[i]",
  qj: "q[j]",
  qk: "q[k]",
};

/** The adjoint each three-body input adds to (the sides' lengths; the properties have none). */
const INPUT_ADJOINT: Record<TripletInput, string | null> = {
  dij: "gIJ",
  dik: "gIK",
  djk: "gJK",
  qi: null,
  qj: null,
  qk: null,
};

/**
 * The three-body term of the interaction kernel, Σⱼ≠ₖ t(dᵢⱼ, dᵢₖ, dⱼₖ, qᵢ, qⱼ, qₖ) r̂ᵢⱼ over the
 * ordered triples (see NetworkParts), with its backward pass, given every ordered pair's
 * separation `sideR` (3 each) and length `sideD` at the evaluation's positions. Like PairTerm,
 * one triple's part is written out for the inputs the network has and compiled (see
 * compiledFunction), the loop over the triples staying outside the compiled source; the arithmetic
 * is that of the formulas in order, and the kernel's tests check the gradient against finite
 * differences. `source` shows what was compiled.
 *
 * @example
 * const term = new ThreeBodyTerm(["dij", "djk", "qi"], tripletMlp, triples, 96);
 * term.forward(params, rec, 0, acc, q, sideR, sideD); // adds the three-body forces to acc
 */
export class ThreeBodyTerm {
  /** The source of the compiled passes, to read. */
  readonly source: { forward: string; backward: string };
  private readonly forwardTriple: TripleForward;
  /** Numbers per triple's record (the MLP's). */
  private readonly width: number;
  private readonly backwardTriple: TripleBackward;

  /**
   * A term on `inputs` with the three-body MLP `mlp`, over `triples`, whose activations are
   * recorded from `recordsAt` on in an evaluation's record (`mlp.width` numbers per triple).
   */
  constructor(
    inputs: TripletInput[],
    mlp: KernelMlp,
    private readonly triples: Triples,
    private readonly recordsAt: number,
  ) {
    for (const name of inputs)
      if (!TRIPLET_INPUTS.includes(name))
        throw new Error(`three-body term: unknown input "${name}"`);
    const outAt = mlp.outAt;
    this.width = mlp.width;
    const members = [
      "const i = members[3 * n], j = members[3 * n + 1], k = members[3 * n + 2];",
      "const ij = sides[3 * n], ik = sides[3 * n + 1], jk = sides[3 * n + 2];",
    ];
    const forward = [
      ...members,
      ...inputs.map((name, m) => `const x${m} = ${INPUT_VALUE[name]}; rec[act + ${m}] = x${m};`),
      mlp.forwardBlock(
        "rec",
        "act",
        inputs.map((_, m) => `x${m}`),
      ),
      `const coef = rec[act + ${outAt}] / sideD[ij];`,
      ...[0, 1, 2].map((c) => `acc[i * 3 + ${c}] += coef * sideR[3 * ij + ${c}];`),
    ].join("\n");
    // The term coef · rᵢⱼ / dᵢⱼ: its adjoint back to rᵢⱼ and dᵢⱼ; then each side's adjoint back to
    // its two ends: i → j (with the term's), i → k, j → k.
    const toEnds = (
      side: string,
      from: string,
      to: string,
      term: (c: number) => string = () => "",
    ): string[] => {
      const [gSide, d] = [`g${side.toUpperCase()}`, `d${side.toUpperCase()}`];
      return [0, 1, 2].map(
        (c) =>
          `{ let gr = (${gSide} / ${d}) * sideR[3 * ${side} + ${c}];${term(c)} gPos[${to} * 3 + ${c}] += gr; gPos[${from} * 3 + ${c}] -= gr; }`,
      );
    };
    const backward = [
      ...members,
      `const G = n * ${mlp.width};`,
      `const coef = rec[act + ${outAt}];`,
      "const invD = 1 / sideD[ij];",
      "const gDot = gAcc[i * 3] * sideR[3 * ij] + gAcc[i * 3 + 1] * sideR[3 * ij + 1] + gAcc[i * 3 + 2] * sideR[3 * ij + 2];",
      `g[G + ${outAt}] = gDot * invD;`,
      mlp.backwardBlock("rec", "act", "n"),
      "let gIJ = 0, gIK = 0, gJK = 0;",
      ...inputs.flatMap((name, m) =>
        INPUT_ADJOINT[name] ? [`${INPUT_ADJOINT[name]} += g[G + ${m}];`] : [],
      ),
      "gIJ -= coef * gDot * invD * invD;",
      "const dIJ = sideD[ij], dIK = sideD[ik], dJK = sideD[jk];",
      ...toEnds("ij", "i", "j", (c) => ` gr += coef * invD * gAcc[i * 3 + ${c}];`),
      ...toEnds("ik", "i", "k"),
      ...toEnds("jk", "j", "k"),
    ].join("\n");
    this.source = { forward, backward };
    const bound = {
      members: triples.members,
      sides: triples.sides,
      g: mlp.g,
    };
    this.forwardTriple = compiledFunction<TripleForward>(
      "tripleForward",
      bound,
      ["params", "rec", "act", "acc", "q", "sideR", "sideD", "n"],
      forward,
    );
    this.backwardTriple = compiledFunction<TripleBackward>(
      "tripleBackward",
      bound,
      ["params", "rec", "act", "gAcc", "gPos", "sideR", "sideD", "n"],
      backward,
    );
  }

  /** Adds each particle's three-body forces to `acc`, recording the MLP's activations from `rec[at + recordsAt]` on. */
  forward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    acc: Float64Array,
    q: Float64Array,
    sideR: Float64Array,
    sideD: Float64Array,
  ): void {
    const width = this.width;
    for (let n = 0; n < this.triples.count; n++)
      this.forwardTriple(params, rec, at + this.recordsAt + n * width, acc, q, sideR, sideD, n);
  }

  /**
   * Back through {@link forward}: given `gAcc`, adds the adjoints of the positions to `gPos` and
   * leaves the MLP's adjoints in its `g` for its `accumulate`.
   */
  backward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    gAcc: Float64Array,
    gPos: Float64Array,
    sideR: Float64Array,
    sideD: Float64Array,
  ): void {
    const width = this.width;
    for (let n = 0; n < this.triples.count; n++)
      this.backwardTriple(
        params,
        rec,
        at + this.recordsAt + n * width,
        gAcc,
        gPos,
        sideR,
        sideD,
        n,
      );
  }
}
