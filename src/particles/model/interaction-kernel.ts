import * as fastTanh from "../../math/fast-tanh";
import * as data from "../data/particle-data";
import * as pairs from "../data/particle-pairs";
import { controlledSubsteps, integrateStep, type SubstepChoice } from "./learned-integrator";
import { stepControlFor } from "./step-control";

// Module-local copies of the constants the loops read: under tsx (CommonJS), an imported binding
// is a getter call on every read, a cost the kernel's inner loops would pay at every number.
const { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } = data;
const N_PAIRS = pairs.N_PAIRS;
const PAIR_I = Int32Array.from(pairs.PAIR_I);
const PAIR_J = Int32Array.from(pairs.PAIR_J);
const tanh = fastTanh.tanh;

/**
 * Inputs of the pair function, each invariant under rotations and none tied to a force law:
 * distance d and 1/d (so that short and long range are both smooth functions of an input), radial
 * speed r̂·u, relative speed |u|, the two scalar properties and their product (masses, charges or
 * neither).
 */
export const N_INVARIANTS = 7;
/** Hidden units of the central field's radial function f(|p|). */
export const CENTRAL_HIDDEN = 3;
/** Softening added to squared lengths before a square root, so that d and |u| stay smooth at 0. */
const EPS = 1e-6;
/** State values per sample: 4 particles × 3 axes. */
const STATE = N_PARTICLES * N_OUT;

// The tape. Per sample, one record per acceleration evaluation (the one at the step's start, then
// one after each substep but the last), `evalWidth` numbers each:
//   [TAPE_POSITIONS, +STATE)    positions the force was taken at
//   [TAPE_VELOCITIES, +STATE)   velocities it was taken at
//   [TAPE_PAIRS, ...)           N_PAIRS pair records, `pairWidth` each: every layer's activations
//                               of the pair MLP, the invariants (INV_*) first, the raw α and β last
//   then N_PARTICLES field records, FIELD_RECORD each (FIELD_*).
const TAPE_POSITIONS = 0;
const TAPE_VELOCITIES = STATE;
const TAPE_PAIRS = 2 * STATE;
// A pair record's invariants, the pair MLP's inputs, in order.
const INV_D = 0;
const INV_INV_D = 1;
const INV_RADIAL_SPEED = 2;
const INV_SPEED = 3;
const INV_QI = 4;
const INV_QJ = 5;
const INV_QIQJ = 6;
// A field record: |p|, the radial function's hidden units, then f(|p|).
const FIELD_NORM = 0;
const FIELD_HIDDEN = 1;
const FIELD_RADIAL = 1 + CENTRAL_HIDDEN;
/** Numbers recorded per particle for the field: |p|, the radial function's units, f(|p|). */
const FIELD_RECORD = 2 + CENTRAL_HIDDEN;
// A pair's geometry (scratch, not taped): r = p_j - p_i, u = v_j - v_i, d, 1/d, r·u, |u|.
const GEO_R = 0;
const GEO_U = 3;
const GEO_D = 6;
const GEO_INV_D = 7;
const GEO_RU = 8;
const GEO_SPEED = 9;

/**
 * The field term's weights, in the order they follow the pair MLP's weights in
 * {@link InteractionKernel}'s parameter list, with their sizes: the 6 free entries of a symmetric
 * A, a general 3 × 3 B, a constant c, the gates' offsets (row 0, minus 1) and slopes (row 1) for
 * the p, v and c parts, and the radial function's two layers.
 */
export const FIELD_WEIGHTS = [
  ["field_p", 6],
  ["field_v", 9],
  ["field_c", 3],
  ["field_gate", 6],
  ["central_w0", CENTRAL_HIDDEN],
  ["central_b0", CENTRAL_HIDDEN],
  ["central_w1", CENTRAL_HIDDEN],
  ["central_b1", 1],
] as const;

/** What {@link InteractionKernel.forward} returns: the outputs and what the backward pass needs. */
export interface KernelForward {
  /** Positions one observation step later, (batch, particle, axis) flat. */
  out: Float64Array;
  /**
   * Per sample and acceleration evaluation: the positions and velocities it was given and every
   * activation of its pairs and field (empty unless asked for).
   */
  tape: Float64Array;
  /** Every sample's substep lengths, one sample after the other. */
  steps: Float64Array;
  /** Where sample b's substeps start in `steps` (and its evaluations in `tape`), `batch + 1` long. */
  starts: Int32Array;
}

/** Options of {@link InteractionKernel}. */
export interface KernelOptions {
  /** Scale each pair coefficient by a learned `1 + w₀ + w₁ qᵢ + w₂ qⱼ + w₃ qᵢ qⱼ`. */
  factors?: boolean;
  /**
   * Step control η: with η > 0 a substep is at most `step / substeps` long and at most
   * `η √(d / |aⱼ − aᵢ|)` over every pair (d apart, with the accelerations the network gives
   * them), the time the pair takes to change its separation under that relative acceleration
   * from rest; never shorter than `step / (substeps · MAX_REFINEMENT)`. Without (0), `substeps`
   * equal substeps.
   */
  stepControl?: number;
}

/**
 * The interaction network's forward and backward passes written out by hand, one sample at a
 * time in float64 arithmetic (see InteractionLayer for what the network computes).
 *
 * Why not tfjs ops: a training step of the same network as tfjs ops ran thousands of kernels
 * (identities, reshapes and casts among them) on tensors of a few thousand numbers, and on the
 * wasm backend the cost per kernel, not the arithmetic, set the step time; there is no fused
 * kernel for a learned integrator in tfjs. Here a step is plain loops over a few hundred numbers
 * per sample, and tfjs keeps the parts it is good at (the loss, Adam, saving). The gradient is
 * checked against central finite differences in the tests.
 *
 * With step control (see {@link KernelOptions}) each sample takes as many substeps as its own
 * learned accelerations ask for: many through a close encounter, few in free flight. The substep
 * lengths are constants of the backward pass (they are chosen, not computed from the weights in
 * a differentiable way), as in adaptive ODE solvers.
 *
 * `params` are the layer's weights in order: the MLP's `w0, b0, w1, b1, …` (w as (in, out) row
 * by row), with `factors` the pair factors' 2 × 4 weights, then {@link FIELD_WEIGHTS}.
 *
 * @example
 * const kernel = new InteractionKernel([6], 6, 0.5, { stepControl: 0.2 }); // 6 or more substeps
 * const forward = kernel.forward(x, batch, params);
 * const grads = kernel.backward(x, batch, params, forward, dLossDOut);
 */
export class InteractionKernel {
  /** Widths of the pair MLP's layers, inputs to outputs. */
  readonly sizes: number[];
  /** With property factors on the pair coefficients. */
  readonly factors: boolean;
  /** Step control η (0: equal substeps). */
  readonly stepControl: number;
  /** Where each layer's activations start in a pair's record. */
  private readonly offsets: number[];
  /** Numbers recorded per pair: every layer's activations. */
  private readonly pairWidth: number;
  /** Numbers recorded per acceleration evaluation: positions, velocities, pairs, field. */
  private readonly evalWidth: number;
  private readonly gacts: Float64Array;
  private readonly q = new Float64Array(N_PARTICLES);
  private readonly buf = Array.from({ length: 7 }, () => new Float64Array(STATE));

  /**
   * A kernel for a pair MLP of `hidden` widths, integrating an observation step of `step` time
   * units in `substeps` substeps (at least, with step control).
   */
  constructor(
    hidden: number[],
    readonly substeps: number,
    readonly step: number,
    options: KernelOptions = {},
  ) {
    this.factors = options.factors ?? false;
    this.stepControl = options.stepControl ?? 0;
    this.sizes = [N_INVARIANTS, ...hidden, 2];
    this.offsets = this.sizes.map((_, l) => this.sizes.slice(0, l).reduce((a, b) => a + b, 0));
    this.pairWidth = this.sizes.reduce((a, b) => a + b, 0);
    this.evalWidth = TAPE_PAIRS + N_PAIRS * this.pairWidth + N_PARTICLES * FIELD_RECORD;
    this.gacts = new Float64Array(this.pairWidth);
  }

  /** Sizes of the parameter arrays, in the order `params` lists them. */
  paramSizes(): number[] {
    const mlp = this.sizes.slice(1).flatMap((out, l) => [this.sizes[l] * out, out]);
    return [...mlp, ...(this.factors ? [2 * 4] : []), ...FIELD_WEIGHTS.map(([, n]) => n)];
  }

  /**
   * Positions one step later for `batch` samples of (4, 7) inputs. With `keepTape` it also
   * returns what {@link backward} reads (some 1.8 KB a sample and substep); without, the tape is
   * empty and its space reused from sample to sample. With `replay`, an earlier forward pass on
   * the same inputs, its substep lengths are taken instead of chosen (the tests use it to check
   * gradients with the substeps held fixed).
   */
  forward(
    x: ArrayLike<number>,
    batch: number,
    params: Float64Array[],
    keepTape = true,
    replay?: KernelForward,
  ): KernelForward {
    const E = this.evalWidth;
    const S = this.substeps;
    const maxSteps = stepControlFor(this.stepControl, S, this.step).maxSteps;
    const out = new Float64Array(batch * SAMPLE_OUT);
    let rec = new Float64Array(keepTape ? batch * S * E : E);
    let steps = new Float64Array(batch * S);
    const starts = new Int32Array(batch + 1);
    const [p, v, a, next, , , w] = this.buf;
    const choose = controlledSubsteps(this.stepControl, S, this.step);
    for (let b = 0; b < batch; b++) {
      const first = starts[b];
      if (keepTape && rec.length < (first + maxSteps) * E) rec = grow(rec, (first + maxSteps) * E);
      if (steps.length < first + maxSteps) steps = grow(steps, first + maxSteps);
      this.load(x, b, p, v);
      const t0 = keepTape ? first * E : 0;
      rec.set(p, t0 + TAPE_POSITIONS);
      rec.set(v, t0 + TAPE_VELOCITIES);
      this.accel(params, rec, t0, a);
      const tape = rec;
      const n = integrateStep(
        { p, v, a, next, w },
        this.step,
        replay ? replayed(replay, b) : choose,
        (pos, vel, acc, s) => {
          const at = keepTape ? t0 + (s + 1) * E : 0;
          tape.set(pos, at + TAPE_POSITIONS);
          tape.set(vel, at + TAPE_VELOCITIES);
          this.accel(params, tape, at, acc);
        },
        (s, dt) => (steps[first + s] = dt),
      );
      starts[b + 1] = first + n;
      for (let k = 0; k < STATE; k++) out[b * SAMPLE_OUT + k] = p[k];
    }
    const total = starts[batch];
    return {
      out,
      tape: keepTape ? rec.subarray(0, total * E) : new Float64Array(0),
      steps: steps.subarray(0, total),
      starts,
    };
  }

  /**
   * Gradients of a loss with respect to `params`, given its gradient `dy` with respect to the
   * outputs of {@link forward} on the same inputs (whose tape it reads). Summed over
   * the batch.
   */
  backward(
    x: ArrayLike<number>,
    batch: number,
    params: Float64Array[],
    { tape, steps, starts }: KernelForward,
    dy: ArrayLike<number>,
  ): Float64Array[] {
    const E = this.evalWidth;
    if (tape.length !== starts[batch] * E)
      throw new Error("backward needs forward's tape (keepTape)");
    const grads = this.paramSizes().map((n) => new Float64Array(n));
    // Adjoints of the state after substep s: positions, velocities and acceleration.
    const [gP, gV, gA, gPos, gVel] = this.buf;
    for (let b = 0; b < batch; b++) {
      const first = starts[b];
      const S = starts[b + 1] - first;
      const t0 = first * E;
      this.loadProperties(x, b);
      for (let k = 0; k < STATE; k++) gP[k] = dy[b * SAMPLE_OUT + k];
      gV.fill(0);
      for (let s = S - 1; s >= 0; s--) {
        const dt = steps[first + s];
        // Going back over substep s, in reverse: v' = v + (a + a') dt / 2 with a' = F(p', w),
        // w = v + a dt; then p' = p + v dt + a dt² / 2. gV and gA then hold v's and a's adjoints.
        if (s + 1 < S) {
          for (let k = 0; k < STATE; k++) gA[k] += gV[k] * 0.5 * dt;
          this.accelBackward(params, tape, t0 + (s + 1) * E, gA, gPos, gVel, grads);
          for (let k = 0; k < STATE; k++) {
            gP[k] += gPos[k];
            gA[k] = gV[k] * 0.5 * dt + gVel[k] * dt;
            gV[k] += gVel[k];
          }
        } else gA.fill(0);
        for (let k = 0; k < STATE; k++) {
          gA[k] += gP[k] * 0.5 * dt * dt;
          gV[k] += gP[k] * dt;
        }
      }
      this.accelBackward(params, tape, t0, gA, gPos, gVel, grads);
    }
    return grads;
  }

  /** Sample b's positions and velocities into p and v (index particle · 3 + axis), its properties into q. */
  private load(x: ArrayLike<number>, b: number, p: Float64Array, v: Float64Array): void {
    for (let i = 0; i < N_PARTICLES; i++) {
      const o = b * SAMPLE_IN + i * N_IN;
      for (let c = 0; c < 3; c++) {
        p[i * 3 + c] = x[o + c];
        v[i * 3 + c] = x[o + 3 + c];
      }
    }
    this.loadProperties(x, b);
  }

  /** Sample b's properties into q (the backward pass reads positions from the tape). */
  private loadProperties(x: ArrayLike<number>, b: number): void {
    for (let i = 0; i < N_PARTICLES; i++) this.q[i] = x[b * SAMPLE_IN + i * N_IN + 6];
  }

  /**
   * The pair MLP on the invariants at `act[at…]`, writing every layer's activations after them.
   */
  private mlp(params: Float64Array[], act: Float64Array, at: number): void {
    const L = this.sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const inp = at + this.offsets[l];
      const outp = at + this.offsets[l + 1];
      const W = params[2 * l];
      const bias = params[2 * l + 1];
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      for (let o = 0; o < nOut; o++) {
        let z = bias[o];
        for (let i = 0; i < nIn; i++) z += act[inp + i] * W[i * nOut + o];
        act[outp + o] = l + 1 < L ? tanh(z) : z;
      }
    }
  }

  /**
   * Back through {@link mlp} on the activations at `act[at…]`, from the output adjoints in the
   * last layer's place of `gacts`: adds the weight gradients to `grads` and leaves the
   * invariants' adjoints at the start of `gacts`.
   */
  private mlpBackward(
    params: Float64Array[],
    grads: Float64Array[],
    act: Float64Array,
    at: number,
  ): void {
    const g = this.gacts;
    const L = this.sizes.length - 1;
    for (let l = L - 1; l >= 0; l--) {
      const inp = this.offsets[l];
      const outp = this.offsets[l + 1];
      const W = params[2 * l];
      const gW = grads[2 * l];
      const gb = grads[2 * l + 1];
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      if (l + 1 < L)
        for (let o = 0; o < nOut; o++) {
          const h = act[at + outp + o];
          g[outp + o] *= 1 - h * h;
        }
      for (let o = 0; o < nOut; o++) gb[o] += g[outp + o];
      for (let i = 0; i < nIn; i++) {
        const xi = act[at + inp + i];
        let gi = 0;
        for (let o = 0; o < nOut; o++) {
          const gz = g[outp + o];
          gW[i * nOut + o] += xi * gz;
          gi += W[i * nOut + o] * gz;
        }
        g[inp + i] = gi;
      }
    }
  }

  /**
   * Pair k's geometry into `pair` (r, u, then d, 1/d, r·u, |u|) from the positions and velocities
   * at `rec[at…]`; with `act` ≥ 0, also its invariants into `rec[act…]`.
   */
  private geometry(
    rec: Float64Array,
    at: number,
    k: number,
    pair: Float64Array,
    act: number,
  ): void {
    const i = PAIR_I[k];
    const j = PAIR_J[k];
    let rr = EPS;
    let uu = EPS;
    let ru = 0;
    for (let c = 0; c < 3; c++) {
      const r = rec[at + TAPE_POSITIONS + j * 3 + c] - rec[at + TAPE_POSITIONS + i * 3 + c];
      const u = rec[at + TAPE_VELOCITIES + j * 3 + c] - rec[at + TAPE_VELOCITIES + i * 3 + c];
      pair[GEO_R + c] = r;
      pair[GEO_U + c] = u;
      rr += r * r;
      uu += u * u;
      ru += r * u;
    }
    const d = Math.sqrt(rr);
    const speed = Math.sqrt(uu);
    pair[GEO_D] = d;
    pair[GEO_INV_D] = 1 / d;
    pair[GEO_RU] = ru;
    pair[GEO_SPEED] = speed;
    if (act < 0) return;
    rec[act + INV_D] = d;
    rec[act + INV_INV_D] = 1 / d;
    rec[act + INV_RADIAL_SPEED] = ru / d;
    rec[act + INV_SPEED] = speed;
    rec[act + INV_QI] = this.q[i];
    rec[act + INV_QJ] = this.q[j];
    rec[act + INV_QIQJ] = this.q[i] * this.q[j];
  }

  /**
   * The acceleration of each particle, into `acc`, at the positions and velocities at `rec[at…]`;
   * records the pairs' activations and the field's radial function after them.
   */
  private accel(params: Float64Array[], rec: Float64Array, at: number, acc: Float64Array): void {
    acc.fill(0);
    const pair = this.buf[5];
    const W = this.pairWidth;
    const outAt = this.offsets[this.sizes.length - 1];
    for (let k = 0; k < N_PAIRS; k++) {
      const act = at + TAPE_PAIRS + k * W;
      this.geometry(rec, at, k, pair, act);
      this.mlp(params, rec, act);
      const i = PAIR_I[k];
      const alpha = rec[act + outAt] * this.factor(params, 0, i, PAIR_J[k]);
      const beta = rec[act + outAt + 1] * this.factor(params, 4, i, PAIR_J[k]);
      const s = alpha * pair[GEO_INV_D];
      for (let c = 0; c < 3; c++) acc[i * 3 + c] += s * pair[GEO_R + c] + beta * pair[GEO_U + c];
    }
    const f = this.fieldParams(params);
    const field = at + TAPE_PAIRS + N_PAIRS * W;
    for (let i = 0; i < N_PARTICLES; i++) {
      const h = field + i * FIELD_RECORD;
      const o = i * 3;
      const norm = this.central(rec, at + TAPE_POSITIONS + o, f, h);
      const ratio = rec[h + FIELD_RADIAL] / norm;
      const q = this.q[i];
      const gp = gate(f, 0, q);
      const gv = gate(f, 1, q);
      const gc = gate(f, 2, q);
      for (let c = 0; c < 3; c++) {
        let ap = 0;
        let bv = 0;
        for (let e = 0; e < 3; e++) {
          ap += f.a[SYM[c * 3 + e]] * rec[at + TAPE_POSITIONS + o + e];
          bv += f.b[c * 3 + e] * rec[at + TAPE_VELOCITIES + o + e];
        }
        acc[o + c] += gp * (ap + ratio * rec[at + TAPE_POSITIONS + o + c]) + gv * bv + gc * f.c[c];
      }
    }
  }

  /**
   * Back through {@link accel} recorded at `rec[at…]`: given the adjoint `gAcc` of the
   * accelerations, sets the adjoints of its positions and velocities into `gPos` and `gVel` and
   * adds the weight gradients to `grads`.
   */
  private accelBackward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    gAcc: Float64Array,
    gPos: Float64Array,
    gVel: Float64Array,
    grads: Float64Array[],
  ): void {
    gPos.fill(0);
    gVel.fill(0);
    const pair = this.buf[5];
    const W = this.pairWidth;
    const outAt = this.offsets[this.sizes.length - 1];
    const g = this.gacts;
    for (let k = 0; k < N_PAIRS; k++) {
      const act = at + TAPE_PAIRS + k * W;
      this.geometry(rec, at, k, pair, -1);
      const i = PAIR_I[k];
      const j = PAIR_J[k];
      const rawAlpha = rec[act + outAt];
      const rawBeta = rec[act + outAt + 1];
      const fAlpha = this.factor(params, 0, i, j);
      const fBeta = this.factor(params, 4, i, j);
      const alpha = rawAlpha * fAlpha;
      const beta = rawBeta * fBeta;
      // pair = α (1/d) r + β u
      let gr0 = 0;
      let gu0 = 0;
      for (let c = 0; c < 3; c++) {
        gr0 += gAcc[i * 3 + c] * pair[GEO_R + c];
        gu0 += gAcc[i * 3 + c] * pair[GEO_U + c];
      }
      const invD = pair[GEO_INV_D];
      g[outAt] = gr0 * invD * fAlpha;
      g[outAt + 1] = gu0 * fBeta;
      if (this.factors) {
        const gf = grads[2 * (this.sizes.length - 1)];
        const [qi, qj] = [this.q[i], this.q[j]];
        const ga = gr0 * invD * rawAlpha;
        const gb = gu0 * rawBeta;
        gf[0] += ga;
        gf[1] += ga * qi;
        gf[2] += ga * qj;
        gf[3] += ga * qi * qj;
        gf[4] += gb;
        gf[5] += gb * qi;
        gf[6] += gb * qj;
        gf[7] += gb * qi * qj;
      }
      this.mlpBackward(params, grads, rec, act);
      const d = pair[GEO_D];
      // Invariants d, 1/d, r·u / d, |u| back to r and u (the properties' adjoints are not needed).
      const gInvD = alpha * gr0 + g[INV_INV_D] + g[INV_RADIAL_SPEED] * pair[GEO_RU];
      const gd = g[INV_D] - gInvD * invD * invD;
      const gru = g[INV_RADIAL_SPEED] * invD;
      const gSpeed = g[INV_SPEED] / pair[GEO_SPEED];
      for (let c = 0; c < 3; c++) {
        const r = pair[GEO_R + c];
        const u = pair[GEO_U + c];
        const gr = alpha * invD * gAcc[i * 3 + c] + (gd / d) * r + gru * u;
        const gu = beta * gAcc[i * 3 + c] + gru * r + gSpeed * u;
        gPos[j * 3 + c] += gr;
        gPos[i * 3 + c] -= gr;
        gVel[j * 3 + c] += gu;
        gVel[i * 3 + c] -= gu;
      }
    }
    const f = this.fieldParams(params);
    const gf = this.fieldParams(grads);
    const field = at + TAPE_PAIRS + N_PAIRS * W;
    for (let i = 0; i < N_PARTICLES; i++) {
      const h = field + i * FIELD_RECORD;
      const o = i * 3;
      const norm = rec[h + FIELD_NORM];
      const ratio = rec[h + FIELD_RADIAL] / norm;
      const q = this.q[i];
      const gp = gate(f, 0, q);
      const gv = gate(f, 1, q);
      const gc = gate(f, 2, q);
      let gGp = 0;
      let gGv = 0;
      let gGc = 0;
      let gRatio = 0;
      for (let c = 0; c < 3; c++) {
        const ga = gAcc[o + c];
        const pc = rec[at + TAPE_POSITIONS + o + c];
        let ap = 0;
        let bv = 0;
        for (let e = 0; e < 3; e++) {
          const pe = rec[at + TAPE_POSITIONS + o + e];
          const ve = rec[at + TAPE_VELOCITIES + o + e];
          ap += f.a[SYM[c * 3 + e]] * pe;
          bv += f.b[c * 3 + e] * ve;
          // A is symmetric: its transpose is itself.
          gf.a[SYM[c * 3 + e]] += gp * ga * pe;
          gf.b[c * 3 + e] += gv * ga * ve;
          gPos[o + e] += gp * ga * f.a[SYM[c * 3 + e]];
          gVel[o + e] += gv * ga * f.b[c * 3 + e];
        }
        gGp += ga * (ap + ratio * pc);
        gGv += ga * bv;
        gGc += ga * f.c[c];
        gf.c[c] += gc * ga;
        gRatio += gp * ga * pc;
        gPos[o + c] += gp * ga * ratio;
      }
      gf.gate[0] += gGp;
      gf.gate[1] += gGv;
      gf.gate[2] += gGc;
      gf.gate[3] += gGp * q;
      gf.gate[4] += gGv * q;
      gf.gate[5] += gGc * q;
      // ratio = f(norm) / norm, f(n) = Σ w1 tanh(w0 n + b0) + b1
      const gRadial = gRatio / norm;
      let gNorm = (-gRatio * ratio) / norm;
      gf.b1[0] += gRadial;
      for (let m = 0; m < CENTRAL_HIDDEN; m++) {
        const hm = rec[h + FIELD_HIDDEN + m];
        gf.w1[m] += gRadial * hm;
        const gz = gRadial * f.w1[m] * (1 - hm * hm);
        gf.w0[m] += gz * norm;
        gf.b0[m] += gz;
        gNorm += gz * f.w0[m];
      }
      for (let c = 0; c < 3; c++) gPos[o + c] += (gNorm / norm) * rec[at + TAPE_POSITIONS + o + c];
    }
  }

  /**
   * The central field's radial function for the particle whose position is at `rec[p…]`: records
   * |p|, the 3 hidden units and f(|p|) at `rec[h…]`; returns |p|.
   */
  private central(rec: Float64Array, p: number, f: FieldParams, h: number): number {
    const norm = Math.sqrt(
      EPS + rec[p] * rec[p] + rec[p + 1] * rec[p + 1] + rec[p + 2] * rec[p + 2],
    );
    let radial = f.b1[0];
    for (let m = 0; m < CENTRAL_HIDDEN; m++) {
      const hm = tanh(f.w0[m] * norm + f.b0[m]);
      rec[h + FIELD_HIDDEN + m] = hm;
      radial += f.w1[m] * hm;
    }
    rec[h + FIELD_NORM] = norm;
    rec[h + FIELD_RADIAL] = radial;
    return norm;
  }

  /**
   * The property factor `1 + w₀ + w₁ qᵢ + w₂ qⱼ + w₃ qᵢ qⱼ` of a pair coefficient (α at `from`
   * 0, β at 4), or 1 without factors.
   */
  private factor(params: Float64Array[], from: number, i: number, j: number): number {
    if (!this.factors) return 1;
    const w = params[2 * (this.sizes.length - 1)];
    const qi = this.q[i];
    const qj = this.q[j];
    return 1 + w[from] + w[from + 1] * qi + w[from + 2] * qj + w[from + 3] * qi * qj;
  }

  /** The field term's arrays (weights or their gradients) by name. */
  private fieldParams(all: Float64Array[]): FieldParams {
    const n = 2 * (this.sizes.length - 1) + (this.factors ? 1 : 0);
    return {
      a: all[n],
      b: all[n + 1],
      c: all[n + 2],
      gate: all[n + 3],
      w0: all[n + 4],
      b0: all[n + 5],
      w1: all[n + 6],
      b1: all[n + 7],
    };
  }
}

/**
 * A copy of `a` with room for at least `n` numbers (twice its length or more). Typed by `a`'s
 * own type: tslab's TypeScript 5.0 has no generic typed arrays, later ones do.
 */
function grow<T extends Float64Array>(a: T, n: number): T {
  const bigger = new Float64Array(Math.max(n, 2 * a.length));
  bigger.set(a);
  return bigger as T;
}

/** The substeps an earlier forward pass took for sample `b`, for a pass that replays them. */
function replayed({ steps, starts }: KernelForward, b: number): SubstepChoice {
  return (s) => ({ dt: steps[starts[b] + s], last: starts[b] + s + 1 === starts[b + 1] });
}

/** The gate `1 + offset + slope · q` of the field's p (part 0), v (1) or c (2) part. */
function gate(f: FieldParams, part: number, q: number): number {
  return 1 + f.gate[part] + f.gate[3 + part] * q;
}

/** Index into A's 6 free entries of A[row][col], at row · 3 + col. */
const SYM = [0, 1, 2, 1, 3, 4, 2, 4, 5];

/** The field term's arrays, see {@link FIELD_WEIGHTS}. */
interface FieldParams {
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  gate: Float64Array;
  w0: Float64Array;
  b0: Float64Array;
  w1: Float64Array;
  b1: Float64Array;
}
