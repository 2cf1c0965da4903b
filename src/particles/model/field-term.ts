import { tanhSource } from "../../math/fast-tanh";
import { compiledFunction } from "../../runtime/compiled-function";
import * as data from "../data/particle-data";

const N_PARTICLES = data.N_PARTICLES;
/** Hidden units of the central field's radial function f(|p|). */
export const CENTRAL_HIDDEN = 3;
/** Numbers recorded per particle for the field: |p|, the radial function's units, f(|p|). */
export const FIELD_RECORD = 2 + CENTRAL_HIDDEN;
// A field record: |p|, the radial function's hidden units, then f(|p|).
const FIELD_NORM = 0;
const FIELD_HIDDEN = 1;
const FIELD_RADIAL = 1 + CENTRAL_HIDDEN;
/** Index into the trap's 6 free entries of A[row][col], at row · 3 + col (A is symmetric). */
const SYM = [0, 1, 2, 1, 3, 4, 2, 4, 5];

/** Where the field's weights and records are: indices in `params` (-1: the part is absent). */
export interface FieldLayout {
  /** Offsets of the positions and velocities (4 × 3 each) in an evaluation's record. */
  positions: number;
  velocities: number;
  /** Offset of the first particle's field record ({@link FIELD_RECORD} numbers each). */
  records: number;
  /** Added to |p|² before its square root. */
  eps: number;
  trap: number;
  drag: number;
  uniform: number;
  /** The radial function's first array (w0, then b0, w1, b1). */
  radial: number;
  /** The gates' array; the columns of the p, v and c gates in it (-1: absent), and their count. */
  gate: number;
  gates: { p: number; v: number; c: number; n: number };
}

/** One particle's part of the field's forward pass. */
type ParticleForward = (
  params: Float64Array[],
  rec: Float64Array,
  at: number,
  acc: Float64Array,
  gates: Float64Array,
  i: number,
) => void;

/** One particle's part of the backward pass. */
type ParticleBackward = (
  params: Float64Array[],
  rec: Float64Array,
  at: number,
  gAcc: Float64Array,
  gPos: Float64Array,
  gVel: Float64Array,
  grads: Float64Array[],
  q: Float64Array,
  gates: Float64Array,
  i: number,
) => void;

/**
 * The field of the interaction kernel, acting on each particle alone (see NetworkParts):
 *
 *     gₚ(q) (A p + f(|p|) p̂) + gᵥ(q) B v + g꜀(q) c
 *
 * with the trap's symmetric A, the radial function f (tanh units), the drag's B, the uniform c,
 * and each part's gate g(q) = 1 + α + β q, given per particle for the sample at hand (`gates`, 3
 * per particle: p, v, c). Like PairTerm, one particle's part is written out for the parts the
 * network has and compiled (see compiledFunction), the loop over the particles staying in
 * TypeScript; an absent part adds its 0 as the plain loops did, so the results are theirs to the
 * last bit, and the kernel's tests check the gradient against finite differences. `source` shows
 * what was compiled.
 *
 * @example
 * const field = new FieldTerm(["trap", "drag"], layout);
 * field.forward(params, rec, 0, acc, gates); // adds each particle's field to acc
 */
export class FieldTerm {
  /** The source of the compiled passes, to read. */
  readonly source: { forward: string; backward: string };
  private readonly forwardParticle: ParticleForward;
  private readonly backwardParticle: ParticleBackward;

  constructor(layout: FieldLayout) {
    const { trap, drag, uniform, radial, gates } = layout;
    // The source is written from these numbers: they must be whole numbers (-1: absent).
    const { positions, velocities, records } = layout;
    for (const index of [trap, drag, uniform, radial, layout.gate, gates.p, gates.v, gates.c])
      if (!Number.isSafeInteger(index) || index < -1)
        throw new Error(`field term: ${index} is not an index`);
    for (const offset of [positions, velocities, records, gates.n])
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new Error(`field term: ${offset} is not an offset`);
    const axes = [0, 1, 2];
    const sym = (c: number, e: number) => SYM[c * 3 + e];
    const start = [
      `const o = i * 3, pos = at + ${layout.positions} + o, vel = at + ${layout.velocities} + o;`,
      `const h = at + ${layout.records} + i * ${FIELD_RECORD};`,
      "const p0 = rec[pos], p1 = rec[pos + 1], p2 = rec[pos + 2];",
      drag >= 0 ? "const v0 = rec[vel], v1 = rec[vel + 1], v2 = rec[vel + 2];" : "",
      "const gp = gates[3 * i], gv = gates[3 * i + 1], gc = gates[3 * i + 2];",
      trap >= 0 ? `const A = params[${trap}];` : "",
      drag >= 0 ? `const B = params[${drag}];` : "",
      uniform >= 0 ? `const C = params[${uniform}];` : "",
    ];
    // ratio = f(|p|) / |p|, f(n) = Σ w1 tanh(w0 n + b0) + b1, its units recorded.
    const central =
      radial >= 0
        ? [
            `const W0 = params[${radial}], B0 = params[${radial + 1}], W1 = params[${radial + 2}], B1 = params[${radial + 3}];`,
            `const norm = Math.sqrt(${layout.eps} + p0 * p0 + p1 * p1 + p2 * p2);`,
            "let radial = B1[0];",
            ...Array.from({ length: CENTRAL_HIDDEN }, (_, m) =>
              [
                `{ let hm = W0[${m}] * norm + B0[${m}];`,
                tanhSource("hm", "hm"),
                `rec[h + ${FIELD_HIDDEN + m}] = hm; radial += W1[${m}] * hm; }`,
              ].join(" "),
            ),
            `rec[h + ${FIELD_NORM}] = norm; rec[h + ${FIELD_RADIAL}] = radial;`,
            "const ratio = radial / norm;",
          ]
        : ["const ratio = 0;"];
    const trapTerm = (c: number) =>
      trap >= 0 ? `0 ${axes.map((e) => `+ A[${sym(c, e)}] * p${e}`).join(" ")}` : "0";
    const dragTerm = (c: number) =>
      drag >= 0 ? `0 ${axes.map((e) => `+ B[${c * 3 + e}] * v${e}`).join(" ")}` : "0";
    const forward = [
      ...start,
      ...central,
      ...axes.map(
        (c) =>
          `{ const ap = ${trapTerm(c)}, bv = ${dragTerm(c)}; acc[o + ${c}] += gp * (ap + ratio * p${c}) + gv * bv;${uniform >= 0 ? ` acc[o + ${c}] += gc * C[${c}];` : ""} }`,
      ),
    ].join("\n");
    const perAxis = (c: number) =>
      [
        `{ const ga = gAcc[o + ${c}], pc = p${c}; let ap = 0, bv = 0;`,
        ...axes.map((e) =>
          [
            trap >= 0
              ? `{ const a = A[${sym(c, e)}]; ap += a * p${e}; gA[${sym(c, e)}] += gp * ga * p${e}; gPos[o + ${e}] += gp * ga * a; }`
              : "",
            drag >= 0
              ? `{ const b = B[${c * 3 + e}]; bv += b * v${e}; gB[${c * 3 + e}] += gv * ga * v${e}; gVel[o + ${e}] += gv * ga * b; }`
              : "",
          ].join(" "),
        ),
        "gGp += ga * (ap + ratio * pc);",
        "gGv += ga * bv;",
        uniform >= 0 ? `gGc += ga * C[${c}]; gC[${c}] += gc * ga;` : "",
        "gRatio += gp * ga * pc;",
        `gPos[o + ${c}] += gp * ga * ratio;`,
        "}",
      ].join(" ");
    const gateGrads = (["p", "v", "c"] as const).map((part) => {
      const col = gates[part];
      const sum = { p: "gGp", v: "gGv", c: "gGc" }[part];
      return col >= 0 ? `gG[${col}] += ${sum}; gG[${gates.n + col}] += ${sum} * q;` : "";
    });
    const backward = [
      ...start,
      trap >= 0 ? `const gA = grads[${trap}];` : "",
      drag >= 0 ? `const gB = grads[${drag}];` : "",
      uniform >= 0 ? `const gC = grads[${uniform}];` : "",
      ...(radial >= 0
        ? [`const norm = rec[h + ${FIELD_NORM}];`, `const ratio = rec[h + ${FIELD_RADIAL}] / norm;`]
        : ["const ratio = 0;"]),
      "const q = qs[i];",
      "let gGp = 0, gGv = 0, gGc = 0, gRatio = 0;",
      ...axes.map(perAxis),
      `const gG = grads[${layout.gate}];`,
      ...gateGrads,
      ...(radial >= 0
        ? [
            `const W0 = params[${radial}], W1 = params[${radial + 2}];`,
            `const gW0 = grads[${radial}], gB0 = grads[${radial + 1}], gW1 = grads[${radial + 2}], gB1 = grads[${radial + 3}];`,
            "const gRadial = gRatio / norm;",
            "let gNorm = (-gRatio * ratio) / norm;",
            "gB1[0] += gRadial;",
            ...Array.from(
              { length: CENTRAL_HIDDEN },
              (_, m) =>
                `{ const hm = rec[h + ${FIELD_HIDDEN + m}]; gW1[${m}] += gRadial * hm; const gz = gRadial * W1[${m}] * (1 - hm * hm); gW0[${m}] += gz * norm; gB0[${m}] += gz; gNorm += gz * W0[${m}]; }`,
            ),
            ...axes.map((c) => `gPos[o + ${c}] += (gNorm / norm) * p${c};`),
          ]
        : []),
    ].join("\n");
    this.source = { forward, backward };
    this.forwardParticle = compiledFunction<ParticleForward>(
      "fieldForward",
      {},
      ["params", "rec", "at", "acc", "gates", "i"],
      forward,
    );
    this.backwardParticle = compiledFunction<ParticleBackward>(
      "fieldBackward",
      {},
      ["params", "rec", "at", "gAcc", "gPos", "gVel", "grads", "qs", "gates", "i"],
      backward,
    );
  }

  /** Adds each particle's field at the state at `rec[at…]` to `acc`, recording the radial function. */
  forward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    acc: Float64Array,
    gates: Float64Array,
  ): void {
    for (let i = 0; i < N_PARTICLES; i++) this.forwardParticle(params, rec, at, acc, gates, i);
  }

  /**
   * Back through {@link forward}: given `gAcc`, adds the adjoints of the positions and velocities
   * to `gPos` and `gVel` and of the field's weights to `grads`; `q` holds the particles' properties.
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
    gates: Float64Array,
  ): void {
    for (let i = 0; i < N_PARTICLES; i++)
      this.backwardParticle(params, rec, at, gAcc, gPos, gVel, grads, q, gates, i);
  }
}
