import * as tf from "@tensorflow/tfjs";

import { N_IN, N_OUT, N_PARTICLES } from "./data";
import { N_PAIRS, PAIR_I, PAIR_J } from "./particle-pairs";
import { constantProduct, fastTanh, initSeed, weightProduct } from "./tf-fast-ops";

/** Settings of {@link InteractionLayer}. */
export interface InteractionConfig {
  /** Widths of the pair function's hidden layers, e.g. `[6]`. */
  hidden: number[];
  /** Seed of the weight initialisation. */
  seed: number;
  /** Integration substeps inside one observation step (default {@link DEFAULT_SUBSTEPS}). */
  substeps?: number;
}

/** Time between a sample's input and its target, in the challenge's data. */
export const OBSERVATION_STEP = 0.5;
/**
 * Substeps of the learned integrator. Close encounters under strong short-range forces are what
 * coarse substeps miss: against 4, 6 raised the zoo's hardest laws (strong-gravity, pair-drag) and
 * lost nowhere beyond run-to-run noise (README, "One design for unseen laws"); each substep costs
 * training time, not parameters.
 */
export const DEFAULT_SUBSTEPS = 6;

/**
 * Inputs of the pair function, each invariant under rotations and none tied to a force law:
 * distance d and 1/d (so that short and long range are both smooth functions of an input), radial
 * speed r̂·u, relative speed |u|, the two scalar properties and their product (masses, charges or
 * neither).
 */
const N_INVARIANTS = 7;
/** Hidden units of the central field's radial function f(|p|). */
const CENTRAL_HIDDEN = 3;

/** (3 · 12, 12) matrix: state rows (c, particle) to pair rows (c, pair) of x_j - x_i. */
function pairDifferences(): Float32Array {
  const m = new Float32Array(3 * N_PAIRS * 3 * N_PARTICLES);
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < N_PAIRS; k++) {
      const row = (c * N_PAIRS + k) * 3 * N_PARTICLES;
      m[row + c * N_PARTICLES + PAIR_J[k]] += 1;
      m[row + c * N_PARTICLES + PAIR_I[k]] -= 1;
    }
  return m;
}

/** (12, 3 · 12) matrix that adds up, per particle and axis, the pair terms it receives. */
function receiveSums(): Float32Array {
  const m = new Float32Array(3 * N_PARTICLES * 3 * N_PAIRS);
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < N_PAIRS; k++)
      m[(c * N_PARTICLES + PAIR_I[k]) * 3 * N_PAIRS + c * N_PAIRS + k] = 1;
  return m;
}

/** (4 · 7 → rows) selection matrix from a flat sample to rows (c, particle) of feature `offset`. */
function selectRows(offset: number, width: number): Float32Array {
  const m = new Float32Array(width * N_PARTICLES * N_PARTICLES * N_IN);
  for (let c = 0; c < width; c++)
    for (let i = 0; i < N_PARTICLES; i++)
      m[(c * N_PARTICLES + i) * N_PARTICLES * N_IN + i * N_IN + offset + c] = 1;
  return m;
}

/** The layer's constant matrices, transposed for {@link constantProduct}. */
interface Constants {
  pairs: tf.Tensor2D;
  receive: tf.Tensor2D;
  position: tf.Tensor2D;
  velocity: tf.Tensor2D;
  property: tf.Tensor2D;
  propertyI: tf.Tensor2D;
  propertyJ: tf.Tensor2D;
}

/**
 * A particle network that learns the acceleration and integrates it. The acceleration of each of
 * 4 particles is a sum of
 * - pair terms: one small MLP on {@link N_INVARIANTS} rotation invariants of every ordered pair
 *   gives coefficients on the unit vector r̂ and on the relative velocity u;
 * - a field term `g_p(q) (A p + f(|p|) p̂) + g_v(q) B v + g_c(q) c`: a symmetric 3 × 3 A (traps of
 *   any axes and centre, with c), a radial function f of 3 tanh units (non-linear central fields),
 *   a general B (damping, a magnetic force), a constant c (uniform fields), each part gated by
 *   `g(q) = α + β q` (acting alike on every particle, in proportion to its charge, or both).
 *
 * The observation step of 0.5 is integrated in {@link DEFAULT_SUBSTEPS} substeps (positions by
 * Verlet, velocities by Heun's rule), one acceleration per substep, so that a force that bends a
 * trajectory within the step is followed. Permutation-equivariant; the pair part is also invariant
 * to rotations and translations. Input (batch, 4, 7) raw observations; output (batch, 4, 3)
 * positions one step later.
 */
export class InteractionLayer extends tf.layers.Layer {
  /** Name under which tfjs serialises the layer. */
  static className = "InteractionLayer";
  private readonly cfg: Required<InteractionConfig>;
  private mlp: tf.LayerVariable[] = [];
  private field: Record<
    "a" | "b" | "c" | "gate" | "w0" | "b0" | "w1" | "b1",
    tf.LayerVariable
  > | null = null;
  private constantsOf?: Constants;

  constructor(config: InteractionConfig & { name?: string }) {
    super({ name: config.name });
    this.cfg = {
      hidden: config.hidden,
      seed: config.seed,
      substeps: config.substeps ?? DEFAULT_SUBSTEPS,
    };
  }

  override build(): void {
    const sizes = [N_INVARIANTS, ...this.cfg.hidden, 2];
    const init = (layer: number, scale = 1) =>
      tf.initializers.varianceScaling({
        scale,
        mode: "fanAvg",
        distribution: "normal",
        seed: initSeed(this.cfg.seed, layer),
      });
    const zeros = tf.initializers.zeros();
    this.mlp = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      // The last layer starts small: the network starts close to free flight p + v t.
      const scale = l + 2 === sizes.length ? 0.01 : 1;
      this.mlp.push(this.addWeight(`w${l}`, [sizes[l], sizes[l + 1]], "float32", init(l, scale)));
      this.mlp.push(this.addWeight(`b${l}`, [sizes[l + 1]], "float32", zeros));
    }
    this.field = {
      a: this.addWeight("field_p", [6, 1], "float32", zeros),
      b: this.addWeight("field_v", [3, 3], "float32", zeros),
      c: this.addWeight("field_c", [3, 1], "float32", zeros),
      // Gates (1 + w_α) + w_β q of the three parts: rows α - 1 and β, starting as 1.
      gate: this.addWeight("field_gate", [2, 3], "float32", zeros),
      w0: this.addWeight("central_w0", [1, CENTRAL_HIDDEN], "float32", init(100)),
      b0: this.addWeight("central_b0", [CENTRAL_HIDDEN], "float32", zeros),
      w1: this.addWeight("central_w1", [CENTRAL_HIDDEN, 1], "float32", zeros),
      b1: this.addWeight("central_b1", [1], "float32", zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], N_PARTICLES, N_OUT];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const batch = x.shape[0];
      const k = this.constants();
      // Feature-major layout: rows (axis, particle) or (axis, pair), batch along the columns, so
      // that slices and concatenations copy contiguous memory.
      const flat = x.reshape([batch, N_PARTICLES * N_IN]).transpose<tf.Tensor2D>(); // (28, b)
      let p = constantProduct(k.position, flat); // (12, b)
      let v = constantProduct(k.velocity, flat);
      const q = constantProduct(k.property, flat).reshape([1, N_PARTICLES * batch]);
      const qi = constantProduct(k.propertyI, flat).reshape([1, N_PAIRS * batch]);
      const qj = constantProduct(k.propertyJ, flat).reshape([1, N_PAIRS * batch]);
      const fixed = [qi, qj, tf.mul(qi, qj)];
      const f = this.field!;
      const gate = f.gate.read();
      const gated = (g: number): tf.Tensor =>
        tf.add(tf.add(1, gate.slice([0, g], [1, 1])), tf.mul(gate.slice([1, g], [1, 1]), q));
      const [gp, gv, gc] = [gated(0), gated(1), gated(2)];
      // The symmetric A from its 6 free entries, as (3, 3, 1) for the products below.
      const e = f.a.read();
      const entry = (i: number): tf.Tensor => e.slice([i, 0], [1, 1]);
      const A = tf.concat([0, 1, 2, 1, 3, 4, 2, 4, 5].map(entry), 0).reshape([3, 3, 1]);
      const B = f.b.read().reshape([3, 3, 1]);
      /** M x for a (3, 3, 1) M and (3, n) x, by elementwise products: see the note below. */
      const times = (m: tf.Tensor, x3: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(m, x3.reshape([1, 3, -1])), 1);
      const cw0 = f.w0.read().reshape([CENTRAL_HIDDEN, 1]);
      const cb0 = f.b0.read().reshape([CENTRAL_HIDDEN, 1]);
      const cw1 = f.w1.read().reshape([CENTRAL_HIDDEN, 1]);
      const cb1 = f.b1.read();
      const constant = tf.mul(gc, f.c.read());
      const w = this.mlp.map((m) => m.read());
      const nLayers = this.cfg.hidden.length + 1;
      const accel = (pos: tf.Tensor2D, vel: tf.Tensor2D): tf.Tensor2D => {
        const r = constantProduct(k.pairs, pos).reshape([3, N_PAIRS * batch]);
        const u = constantProduct(k.pairs, vel).reshape([3, N_PAIRS * batch]);
        const d = tf.sqrt(tf.add(tf.sum(tf.square(r), 0, true), 1e-6));
        const invD = tf.reciprocal(d);
        const radial = tf.mul(tf.sum(tf.mul(r, u), 0, true), invD);
        const speed = tf.sqrt(tf.add(tf.sum(tf.square(u), 0, true), 1e-6));
        let h: tf.Tensor = tf.concat([d, invD, radial, speed, ...fixed], 0);
        for (let l = 0; l < nLayers; l++) {
          const bias = w[2 * l + 1].reshape([-1, 1]);
          h = tf.add(weightProduct(w[2 * l] as tf.Tensor2D, h as tf.Tensor2D), bias);
          if (l + 1 < nLayers) h = fastTanh(h);
        }
        const alpha = h.slice([0, 0], [1, -1]);
        const beta = h.slice([1, 0], [1, -1]);
        const pair = tf.add(tf.mul(tf.mul(alpha, invD), r), tf.mul(beta, u));
        const received = constantProduct(k.receive, pair.reshape([3 * N_PAIRS, batch]));
        // The field term, per particle: rows (axis, particle) seen as (3, 4 b). No matrix
        // products here: on the wasm backend, products with these small matrices gave wrong,
        // run-dependent elements (found against the cpu backend; the layer's tests compare the
        // two over several training steps), so they are written as elementwise products and sums.
        const p3 = pos.reshape([3, N_PARTICLES * batch]);
        const v3 = vel.reshape([3, N_PARTICLES * batch]);
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(p3), 0, true), 1e-6)); // (1, 4 b)
        const hidden = fastTanh(tf.add(tf.mul(cw0, norm), cb0)); // (3, 4 b)
        const radialField = tf.add(tf.sum(tf.mul(cw1, hidden), 0, true), cb1);
        const central = tf.mul(tf.div(radialField, norm), p3);
        const fieldTerm = tf.add(
          tf.add(tf.mul(gp, tf.add(times(A, p3), central)), tf.mul(gv, times(B, v3))),
          constant,
        );
        return tf.add(received, fieldTerm.reshape([3 * N_PARTICLES, batch])) as tf.Tensor2D;
      };
      const dt = OBSERVATION_STEP / this.cfg.substeps;
      let a = accel(p, v);
      for (let s = 0; s < this.cfg.substeps; s++) {
        p = tf.add(tf.add(p, tf.mul(v, dt)), tf.mul(a, 0.5 * dt * dt)) as tf.Tensor2D;
        if (s + 1 < this.cfg.substeps) {
          const next = accel(p, tf.add(v, tf.mul(a, dt)) as tf.Tensor2D);
          v = tf.add(v, tf.mul(tf.add(a, next), 0.5 * dt)) as tf.Tensor2D;
          a = next;
        }
      }
      // Rows (axis, particle) back to (batch, particle, axis).
      return p.reshape([3, N_PARTICLES, batch]).transpose([2, 1, 0]);
    });
  }

  /** The constant matrices, made once per layer on first use. */
  private constants(): Constants {
    const keep = (m: Float32Array, rows: number, cols: number): tf.Tensor2D =>
      tf.keep(tf.tensor2d(m, [rows, cols]).transpose());
    if (!this.constantsOf) {
      const nState = 3 * N_PARTICLES;
      const select = (of: readonly number[]): Float32Array => {
        const m = new Float32Array(N_PAIRS * N_PARTICLES * N_IN);
        of.forEach((i, k) => (m[k * N_PARTICLES * N_IN + i * N_IN + 6] = 1));
        return m;
      };
      this.constantsOf = {
        pairs: keep(pairDifferences(), 3 * N_PAIRS, nState),
        receive: keep(receiveSums(), nState, 3 * N_PAIRS),
        position: keep(selectRows(0, 3), nState, N_PARTICLES * N_IN),
        velocity: keep(selectRows(3, 3), nState, N_PARTICLES * N_IN),
        property: keep(selectRows(6, 1), N_PARTICLES, N_PARTICLES * N_IN),
        propertyI: keep(select(PAIR_I), N_PAIRS, N_PARTICLES * N_IN),
        propertyJ: keep(select(PAIR_J), N_PAIRS, N_PARTICLES * N_IN),
      };
    }
    return this.constantsOf;
  }

  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    if (this.constantsOf) for (const t of Object.values(this.constantsOf)) t.dispose();
    this.constantsOf = undefined;
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
tf.serialization.registerClass(InteractionLayer);

/** Parameters of the field term: A 6, B 9, c 3, the gates 6, the radial function 10. */
export const FIELD_TERM_PARAMS = 6 + 9 + 3 + 6 + (3 * CENTRAL_HIDDEN + 1);

/** Parameter count of the design from its widths alone: the pair MLP plus the field term. */
export function interactionParamCount(config: Pick<InteractionConfig, "hidden">): number {
  const sizes = [N_INVARIANTS, ...config.hidden, 2];
  let n = FIELD_TERM_PARAMS;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

/** Builds the particle network: one {@link InteractionLayer} on (batch, 4, 7) inputs. */
export function buildInteractionModel(config: InteractionConfig): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [N_PARTICLES, N_IN] }));
  model.add(new InteractionLayer(config));
  return model;
}
