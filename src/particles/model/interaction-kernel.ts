import * as data from "../data/particle-data";
import * as pairs from "../data/particle-pairs";
import { CENTRAL_HIDDEN, FIELD_RECORD, FieldTerm } from "./field-term";
import { KernelMlp } from "./kernel-mlp";
import { controlledSubsteps, integrateStep, type SubstepChoice } from "./learned-integrator";
import { fieldGates, type NetworkParts, PAIR_ALONG_R_AND_U } from "./network-parts";
import { PairTerm } from "./pair-term";
import { stepControlFor } from "./step-control";
import { ThreeBodyTerm } from "./three-body-term";

// Module-local copies of the constants the loops read: under tsx (CommonJS), an imported binding
// is a getter call on every read, a cost the kernel's inner loops would pay at every number.
const { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } = data;
const N_PAIRS = pairs.N_PAIRS;
const PAIR_I = Int32Array.from(pairs.PAIR_I);
const PAIR_J = Int32Array.from(pairs.PAIR_J);

// Ordered triples (i, j, k) of distinct particles: the three-body term's terms.
const TRIPLES: [number, number, number][] = [];
for (let i = 0; i < N_PARTICLES; i++)
  for (let j = 0; j < N_PARTICLES; j++)
    for (let k = 0; k < N_PARTICLES; k++)
      if (i !== j && j !== k && i !== k) TRIPLES.push([i, j, k]);
const N_TRIPLES = TRIPLES.length;
/** Each triple's members i, j, k, three numbers per triple. */
const TRIPLE_MEMBERS = Int32Array.from(TRIPLES.flat());
/** Each triple's sides (i → j, i → k, j → k) as indices `from · 4 + to` of the ordered pairs. */
const TRI_SIDES = Int32Array.from(
  TRIPLES.flatMap(([i, j, k]) => [i * N_PARTICLES + j, i * N_PARTICLES + k, j * N_PARTICLES + k]),
);

/** Softening added to squared lengths before a square root, so that d and |u| stay smooth at 0. */
const EPS = 1e-6;
/** The inertia's denominator is kept at least this far from 0. */
const MIN_INERTIA = 0.1;
/** State values per sample: 4 particles × 3 axes. */
const STATE = N_PARTICLES * N_OUT;

// The tape. Per sample, one record per acceleration evaluation (the one at the step's start, then
// one after each substep but the last), `evalWidth` numbers each:
//   [TAPE_POSITIONS, +STATE)    positions the force was taken at
//   [TAPE_VELOCITIES, +STATE)   velocities it was taken at
//   [TAPE_PAIRS, ...)           N_PAIRS pair records, `pair.width` each: every layer's activations
//                               of the pair MLP, its inputs first, its raw outputs last
//   then N_TRIPLES three-body records (the same for the three-body MLP), then N_PARTICLES field
//   records, FIELD_RECORD each (see FieldTerm), then with an inertia the accelerations before it.
const TAPE_POSITIONS = 0;
const TAPE_VELOCITIES = STATE;
const TAPE_PAIRS = 2 * STATE;

/** One of the kernel's parameter arrays: its name (the layer's weight name) and shape. */
export interface ParamSpec {
  name: string;
  shape: number[];
}

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
  /** The network's parts (see NetworkParts); default {@link PAIR_ALONG_R_AND_U}. */
  parts?: NetworkParts;
  /**
   * Evaluations after which the pair term runs its passes unrolled, if they are small enough
   * (see PairTerm): the same results, faster for a network that trains long; default
   * UNROLL_AFTER.
   */
  unrollAfter?: number;
}

/**
 * The interaction network's forward and backward passes written out by hand, one sample at a
 * time in float64 arithmetic (see InteractionLayer for what the network computes, NetworkParts
 * for its parts).
 *
 * Why not tfjs ops: a training step of the same network as tfjs ops ran thousands of kernels
 * (identities, reshapes and casts among them) on tensors of a few thousand numbers, and on the
 * wasm backend the cost per kernel, not the arithmetic, set the step time; there is no fused
 * kernel for a learned integrator in tfjs. Here a step is plain arithmetic on a few hundred numbers
 * per sample, and tfjs keeps the parts it is good at (the loss, Adam, saving). The pair,
 * three-body and field terms and the MLPs are written out for the network's parts when the kernel
 * is made and compiled (see PairTerm, ThreeBodyTerm, FieldTerm, KernelMlp); the inertia and the
 * integrator are plain loops here. The gradient is checked against central finite differences in
 * the tests.
 *
 * With step control (see {@link KernelOptions}) each sample takes as many substeps as its own
 * learned accelerations ask for: many through a close encounter, few in free flight. The substep
 * lengths are constants of the backward pass (they are chosen, not computed from the weights in
 * a differentiable way), as in adaptive ODE solvers.
 *
 * `params` are the layer's weights in the order of {@link paramSpecs}: the pair MLP's `w0, b0,
 * w1, b1, …` (w as (in, out) row by row), with `factors` the pair factors (4 per output), the
 * field's present parts (field_p, field_v, field_c, field_gate, central_w0…b1), the axes (3 each),
 * the three-body MLP,
 * and the inertia's 2 weights.
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
  /** The network's parts. */
  readonly parts: NetworkParts;
  private readonly pair: KernelMlp | null;
  private readonly triplet: KernelMlp | null;
  /** The pair term, compiled for the parts (see PairTerm). */
  private readonly pairTerm: PairTerm | null;
  /** The three-body term, compiled for its inputs (see ThreeBodyTerm). */
  private readonly threeBody: ThreeBodyTerm | null;
  /** The field, compiled for its parts (see FieldTerm), or null without one. */
  private readonly field: FieldTerm | null;
  private readonly specs: ParamSpec[];
  /** Where each optional part's arrays start in `params` (-1: absent). */
  private readonly at: Record<
    "factors" | "trap" | "drag" | "uniform" | "gate" | "radial" | "axes" | "inertia",
    number
  >;
  /** The field's gate columns of the p, v and c parts (-1: absent), and their count. */
  private readonly gateOf: { p: number; v: number; c: number; n: number };
  /** Where the three-body, field and pre-inertia records start in an evaluation's record. */
  private readonly tripletsAt: number;
  private readonly fieldAt: number;
  private readonly rawAt: number;
  /** Numbers recorded per acceleration evaluation. */
  private readonly evalWidth: number;
  private readonly q = new Float64Array(N_PARTICLES);
  private readonly buf = Array.from({ length: 7 }, () => new Float64Array(STATE));
  /** Every ordered pair's r = p_to − p_from (3 each, from `3 (4 from + to)`) and its length. */
  private readonly sideR = new Float64Array(3 * N_PARTICLES * N_PARTICLES);
  private readonly sideD = new Float64Array(N_PARTICLES * N_PARTICLES);
  /**
   * The property factor of each pair's outputs for the sample at hand, at `k · outputs + o` (all 1
   * without factors): set once per sample, as its properties do not change from one substep to
   * the next.
   */
  private readonly pairFactor: Float64Array;
  /** The field's gates p, v and c of each particle for the sample at hand, 3 per particle (see gate). */
  private readonly fieldGate = new Float64Array(3 * N_PARTICLES);
  /** The tape's space, kept from one forward pass to the next, and the pass that wrote it last. */
  private tapeSpace: Float64Array = new Float64Array(0);
  private latestTape: KernelForward | null = null;
  /** One evaluation's record, for a forward pass without a tape. */
  private readonly record: Float64Array;

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
    const parts = options.parts ?? PAIR_ALONG_R_AND_U;
    this.parts = parts;
    this.factors = (options.factors ?? false) && parts.outputs.length > 0;
    this.stepControl = options.stepControl ?? 0;
    this.pairFactor = new Float64Array(N_PAIRS * parts.outputs.length).fill(1);
    const nIn = parts.outputs.length ? parts.inputs.length : 0;
    this.sizes = [nIn, ...hidden, parts.outputs.length];
    this.specs = [];
    this.pair = parts.outputs.length ? new KernelMlp(this.sizes, 0, N_PAIRS) : null;
    if (this.pair) this.specs.push(...this.pair.specs(""));
    const add = (name: string, shape: number[], present = true): number => {
      if (!present) return -1;
      this.specs.push({ name, shape });
      return this.specs.length - 1;
    };
    const field = parts.field;
    const gates = fieldGates(field);
    this.gateOf = {
      p: gates.indexOf("p"),
      v: gates.indexOf("v"),
      c: gates.indexOf("c"),
      n: gates.length,
    };
    this.at = {
      factors: add("pair_factor", [parts.outputs.length, 4], this.factors),
      trap: add("field_p", [6, 1], field.includes("trap")),
      drag: add("field_v", [3, 3], field.includes("drag")),
      uniform: add("field_c", [3, 1], field.includes("uniform")),
      gate: add("field_gate", [2, gates.length], gates.length > 0),
      radial: add("central_w0", [1, CENTRAL_HIDDEN], field.includes("radial")),
      axes: -1,
      inertia: -1,
    };
    if (this.at.radial >= 0) {
      add("central_b0", [CENTRAL_HIDDEN]);
      add("central_w1", [CENTRAL_HIDDEN, 1]);
      add("central_b1", [1]);
    }
    this.at.axes = add("axes", [parts.axes, 3], parts.axes > 0);
    this.triplet = parts.triplet
      ? new KernelMlp(
          [parts.triplet.inputs.length, parts.triplet.hidden, 1],
          this.specs.length,
          N_TRIPLES,
        )
      : null;
    if (this.triplet) this.specs.push(...this.triplet.specs("triplet_"));
    this.at.inertia = add("inertia", [2], parts.inertia);
    this.pairTerm = this.pair
      ? new PairTerm(
          parts,
          this.factors,
          this.pair,
          {
            positions: TAPE_POSITIONS,
            velocities: TAPE_VELOCITIES,
            pairs: TAPE_PAIRS,
            eps: EPS,
            axes: this.at.axes,
            factors: this.at.factors,
          },
          options.unrollAfter,
        )
      : null;
    this.tripletsAt = TAPE_PAIRS + N_PAIRS * (this.pair?.width ?? 0);
    this.threeBody =
      this.triplet && parts.triplet
        ? new ThreeBodyTerm(
            parts.triplet.inputs,
            this.triplet,
            { count: N_TRIPLES, members: TRIPLE_MEMBERS, sides: TRI_SIDES },
            this.tripletsAt,
          )
        : null;
    this.fieldAt = this.tripletsAt + N_TRIPLES * (this.triplet?.width ?? 0);
    this.rawAt = this.fieldAt + N_PARTICLES * FIELD_RECORD;
    this.field =
      this.gateOf.n > 0
        ? new FieldTerm({
            positions: TAPE_POSITIONS,
            velocities: TAPE_VELOCITIES,
            records: this.fieldAt,
            eps: EPS,
            trap: this.at.trap,
            drag: this.at.drag,
            uniform: this.at.uniform,
            radial: this.at.radial,
            gate: this.at.gate,
            gates: this.gateOf,
          })
        : null;
    this.evalWidth = this.rawAt + (parts.inertia ? STATE : 0);
    this.record = new Float64Array(this.evalWidth);
  }

  /** The pairs per call of the pair term's forward and backward passes (see PairTerm). */
  get pairsPerCall(): { forward: number; backward: number } {
    return this.pairTerm?.pairsPerCall ?? { forward: 1, backward: 1 };
  }

  /** Names and shapes of the parameter arrays, in the order `params` lists them. */
  paramSpecs(): ParamSpec[] {
    return this.specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
  }

  /** Sizes of the parameter arrays, in the order `params` lists them. */
  paramSizes(): number[] {
    return this.specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  }

  /**
   * Positions one step later for `batch` samples of (4, 7) inputs. With `keepTape` it also
   * returns what {@link backward} reads, in space the kernel keeps from call to call: the next
   * forward pass with a tape writes over it (and {@link backward} refuses a tape written over).
   * Without, the tape is empty and its space reused from sample to sample. With `replay`, an
   * earlier forward pass on the same inputs, its substep lengths are taken instead of chosen (the
   * tests use it to check gradients with the substeps held fixed).
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
    let rec = keepTape ? this.tapeSpace : this.record;
    if (rec.length < batch * S * E && keepTape) rec = new Float64Array(batch * S * E);
    let steps = new Float64Array(batch * S);
    const starts = new Int32Array(batch + 1);
    const [p, v, a, next, , , w] = this.buf;
    const choose = controlledSubsteps(this.stepControl, S, this.step);
    for (let b = 0; b < batch; b++) {
      const first = starts[b];
      if (keepTape && rec.length < (first + maxSteps) * E) rec = grow(rec, (first + maxSteps) * E);
      if (steps.length < first + maxSteps) steps = grow(steps, first + maxSteps);
      this.load(x, b, p, v, params);
      const t0 = keepTape ? first * E : 0;
      copyState(p, v, rec, t0);
      this.accel(params, rec, t0, a);
      const tape = rec;
      const n = integrateStep(
        { p, v, a, next, w },
        this.step,
        replay ? replayed(replay, b) : choose,
        (pos, vel, acc, s) => {
          const at = keepTape ? t0 + (s + 1) * E : 0;
          copyState(pos, vel, tape, at);
          this.accel(params, tape, at, acc);
        },
        (s, dt) => (steps[first + s] = dt),
      );
      starts[b + 1] = first + n;
      for (let k = 0; k < STATE; k++) out[b * SAMPLE_OUT + k] = p[k];
    }
    const total = starts[batch];
    const result = {
      out,
      tape: keepTape ? rec.subarray(0, total * E) : new Float64Array(0),
      steps: steps.subarray(0, total),
      starts,
    };
    if (keepTape) {
      this.tapeSpace = rec;
      this.latestTape = result;
    }
    return result;
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
    forward: KernelForward,
    dy: ArrayLike<number>,
  ): Float64Array[] {
    const { tape, steps, starts } = forward;
    const E = this.evalWidth;
    if (tape.length !== starts[batch] * E)
      throw new Error("backward needs forward's tape (keepTape)");
    if (forward !== this.latestTape && forward.tape.buffer === this.tapeSpace.buffer)
      throw new Error(
        "backward needs the latest forward pass with a tape: a later one wrote over this one's",
      );
    const grads = this.paramSizes().map((n) => new Float64Array(n));
    // Adjoints of the state after substep s: positions, velocities and acceleration.
    const [gP, gV, gA, gPos, gVel] = this.buf;
    for (let b = 0; b < batch; b++) {
      const first = starts[b];
      const S = starts[b + 1] - first;
      const t0 = first * E;
      this.loadProperties(x, b, params);
      for (let k = 0; k < STATE; k++) gP[k] = dy[b * SAMPLE_OUT + k];
      for (let k = 0; k < STATE; k++) gV[k] = 0;
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
        } else for (let k = 0; k < STATE; k++) gA[k] = 0;
        for (let k = 0; k < STATE; k++) {
          gA[k] += gP[k] * 0.5 * dt * dt;
          gV[k] += gP[k] * dt;
        }
      }
      this.accelBackward(params, tape, t0, gA, gPos, gVel, grads);
    }
    return grads;
  }

  /**
   * Sample b's positions and velocities into p and v (index particle · 3 + axis), and its
   * properties and what they alone decide (see loadProperties).
   */
  private load(
    x: ArrayLike<number>,
    b: number,
    p: Float64Array,
    v: Float64Array,
    params: Float64Array[],
  ): void {
    for (let i = 0; i < N_PARTICLES; i++) {
      const o = b * SAMPLE_IN + i * N_IN;
      for (let c = 0; c < 3; c++) {
        p[i * 3 + c] = x[o + c];
        v[i * 3 + c] = x[o + 3 + c];
      }
    }
    this.loadProperties(x, b, params);
  }

  /**
   * Sample b's properties into q, its pair factors into pairFactor and its field gates into
   * fieldGate (the backward pass reads positions from the tape).
   */
  private loadProperties(x: ArrayLike<number>, b: number, params: Float64Array[]): void {
    for (let i = 0; i < N_PARTICLES; i++) this.q[i] = x[b * SAMPLE_IN + i * N_IN + 6];
    if (this.gateOf.n > 0)
      for (let i = 0; i < N_PARTICLES; i++) {
        this.fieldGate[3 * i] = this.gate(params, this.gateOf.p, this.q[i]);
        this.fieldGate[3 * i + 1] = this.gate(params, this.gateOf.v, this.q[i]);
        this.fieldGate[3 * i + 2] = this.gate(params, this.gateOf.c, this.q[i]);
      }
    if (!this.factors) return;
    const nOut = this.parts.outputs.length;
    for (let k = 0; k < N_PAIRS; k++)
      for (let o = 0; o < nOut; o++)
        this.pairFactor[k * nOut + o] = this.factor(params, o, PAIR_I[k], PAIR_J[k]);
  }

  /**
   * The acceleration of each particle, into `acc`, at the positions and velocities at `rec[at…]`;
   * records the pairs', triples' and field's activations after them.
   */
  private accel(params: Float64Array[], rec: Float64Array, at: number, acc: Float64Array): void {
    for (let k = 0; k < STATE; k++) acc[k] = 0;
    this.pairTerm?.forward(params, rec, at, acc, this.q, this.pairFactor);
    if (this.threeBody) {
      this.sides(rec, at);
      this.threeBody.forward(params, rec, at, acc, this.q, this.sideR, this.sideD);
    }
    this.field?.forward(params, rec, at, acc, this.fieldGate);
    if (this.at.inertia >= 0) {
      const w = params[this.at.inertia];
      for (let k = 0; k < STATE; k++) rec[at + this.rawAt + k] = acc[k];
      for (let i = 0; i < N_PARTICLES; i++) {
        const s = 1 / inertia(w, this.q[i]);
        for (let c = 0; c < 3; c++) acc[i * 3 + c] *= s;
      }
    }
  }

  /**
   * Every ordered pair's separation and length at the positions at `rec[at…]` into `sideR` and
   * `sideD`: the sides of the triangles, computed once per evaluation for all 24 triples.
   */
  private sides(rec: Float64Array, at: number): void {
    for (let a = 0; a < N_PARTICLES; a++)
      for (let b = a + 1; b < N_PARTICLES; b++) {
        let rr = EPS;
        for (let c = 0; c < 3; c++) {
          const r = rec[at + TAPE_POSITIONS + b * 3 + c] - rec[at + TAPE_POSITIONS + a * 3 + c];
          this.sideR[3 * (a * N_PARTICLES + b) + c] = r;
          this.sideR[3 * (b * N_PARTICLES + a) + c] = -r;
          rr += r * r;
        }
        this.sideD[a * N_PARTICLES + b] = this.sideD[b * N_PARTICLES + a] = Math.sqrt(rr);
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
    for (let k = 0; k < STATE; k++) gPos[k] = gVel[k] = 0;
    // With an inertia, the adjoint of the accelerations before it.
    let gRaw = gAcc;
    if (this.at.inertia >= 0) {
      gRaw = this.buf[5];
      const w = params[this.at.inertia];
      const gw = grads[this.at.inertia];
      for (let i = 0; i < N_PARTICLES; i++) {
        const den = inertia(w, this.q[i]);
        let ga = 0;
        for (let c = 0; c < 3; c++) {
          gRaw[i * 3 + c] = gAcc[i * 3 + c] / den;
          ga += gAcc[i * 3 + c] * rec[at + this.rawAt + i * 3 + c];
        }
        // Where the denominator is held at its floor, it does not depend on the weights.
        if (Math.abs(1 + w[0] + w[1] * this.q[i]) >= MIN_INERTIA) {
          const gDen = -ga / (den * den);
          gw[0] += gDen;
          gw[1] += gDen * this.q[i];
        }
      }
    }
    if (this.pair) this.pairBackward(params, rec, at, gRaw, gPos, gVel, grads);
    if (this.triplet) this.tripletBackward(params, rec, at, gRaw, gPos, grads);
    this.field?.backward(params, rec, at, gRaw, gPos, gVel, grads, this.q, this.fieldGate);
  }

  /** The pair terms' part of {@link accelBackward} (see PairTerm), and the pair MLP's weight gradients. */
  private pairBackward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    gAcc: Float64Array,
    gPos: Float64Array,
    gVel: Float64Array,
    grads: Float64Array[],
  ): void {
    this.pairTerm!.backward(params, rec, at, gAcc, gPos, gVel, grads, this.q, this.pairFactor);
    this.pair!.accumulate(grads, rec, at + TAPE_PAIRS);
  }

  /** The three-body terms' part of {@link accelBackward}. */
  private tripletBackward(
    params: Float64Array[],
    rec: Float64Array,
    at: number,
    gAcc: Float64Array,
    gPos: Float64Array,
    grads: Float64Array[],
  ): void {
    this.sides(rec, at);
    this.threeBody!.backward(params, rec, at, gAcc, gPos, this.sideR, this.sideD);
    this.triplet!.accumulate(grads, rec, at + this.tripletsAt);
  }

  /** The gate `1 + offset + slope · q` of field gate column `col`, or 0 for an absent part. */
  private gate(params: Float64Array[], col: number, q: number): number {
    if (col < 0) return 0;
    const g = params[this.at.gate];
    return 1 + g[col] + g[this.gateOf.n + col] * q;
  }

  /**
   * The property factor `1 + w₀ + w₁ qᵢ + w₂ qⱼ + w₃ qᵢ qⱼ` of pair output o, for a network with
   * factors (without them, pairFactor stays 1).
   */
  private factor(params: Float64Array[], o: number, i: number, j: number): number {
    const w = params[this.at.factors];
    const qi = this.q[i];
    const qj = this.q[j];
    return 1 + w[4 * o] + w[4 * o + 1] * qi + w[4 * o + 2] * qj + w[4 * o + 3] * qi * qj;
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

/**
 * Positions p and velocities v into an evaluation's record at `rec[at…]`. A loop rather than
 * `rec.set`: the kernel does this at every evaluation, and a call of the built-in costs more than
 * copying 24 numbers (as `fill` does against the loops that zero 12).
 */
function copyState(p: Float64Array, v: Float64Array, rec: Float64Array, at: number): void {
  for (let k = 0; k < STATE; k++) {
    rec[at + TAPE_POSITIONS + k] = p[k];
    rec[at + TAPE_VELOCITIES + k] = v[k];
  }
}

/** The substeps an earlier forward pass took for sample `b`, for a pass that replays them. */
function replayed({ steps, starts }: KernelForward, b: number): SubstepChoice {
  return (s) => ({ dt: steps[starts[b] + s], last: starts[b] + s + 1 === starts[b + 1] });
}

/** The inertia `1 + w₀ + w₁ q` of a particle of property q, kept at least MIN_INERTIA from 0. */
function inertia(w: Float64Array, q: number): number {
  const den = 1 + w[0] + w[1] * q;
  return Math.abs(den) >= MIN_INERTIA ? den : den < 0 ? -MIN_INERTIA : MIN_INERTIA;
}
