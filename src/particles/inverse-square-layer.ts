import * as tf from "@tensorflow/tfjs";

import { N_IN, N_OUT, N_PARTICLES } from "./data";
import { N_PAIRS, PAIR_I, PAIR_J } from "./particle-pairs";
import {
  constantProduct,
  fastTanh as tanh,
  firstLayerProduct,
  initSeed,
  weightProduct,
} from "./tf-fast-ops";

/** Settings of {@link InverseSquareLayer}. */
export interface InverseSquareConfig {
  /** Widths of the pair function's hidden layers, e.g. `[16]`. */
  hidden: number[];
  /** Seed of the weight initialisation. */
  seed: number;
}

/**
 * Rotation- and translation-invariant inputs of the pair function: distance d, 1/d, radial
 * relative speed, relative speed |u|, the two particles' scalar property q_i, q_j, and the
 * inverse-square terms 1/d², q_j/d² and q_i q_j/d², of which gravity-like and Coulomb-like pair
 * laws are linear combinations.
 */
const N_INVARIANTS = 9;
/** Rows of {@link pairMatrix}'s output per pair: r (3), u (3), q_i, q_j. */
const PAIR_ROWS = 8;

/**
 * The linear part of the pair inputs as one (8 * 12, 28) matrix: applied to a batch of flattened
 * samples it gives, row block by row block, the x, y and z of every pair's relative position
 * r = p_j - p_i, the same for the relative velocity u, then q_i and q_j. One matrix product
 * replaces gathers and subtractions whose per-operation cost dominated small batches.
 */
function pairMatrix(): Float32Array {
  const m = new Float32Array(PAIR_ROWS * N_PAIRS * N_PARTICLES * N_IN);
  const set = (row: number, particle: number, column: number, value: number): void => {
    m[row * N_PARTICLES * N_IN + particle * N_IN + column] = value;
  };
  for (let k = 0; k < N_PAIRS; k++) {
    for (let c = 0; c < 6; c++) {
      set(c * N_PAIRS + k, PAIR_J[k], c, 1);
      set(c * N_PAIRS + k, PAIR_I[k], c, -1);
    }
    set(6 * N_PAIRS + k, PAIR_I[k], 6, 1);
    set(7 * N_PAIRS + k, PAIR_J[k], 6, 1);
  }
  return m;
}

/**
 * The (4 * 3, 3 * 12) matrix that adds up, for each particle i and axis, the three pair terms
 * particle i receives.
 */
function receiveMatrix(): Float32Array {
  const m = new Float32Array(N_PARTICLES * N_OUT * N_OUT * N_PAIRS);
  for (let k = 0; k < N_PAIRS; k++)
    for (let c = 0; c < N_OUT; c++)
      m[(PAIR_I[k] * N_OUT + c) * N_OUT * N_PAIRS + c * N_PAIRS + k] = 1;
  return m;
}

/**
 * The earlier particle design, kept as the comparison of `npm run bench:generality` and notebook 04:
 * one evaluation of the pair function with the three public sets' inverse-square laws among its
 * invariants, and a self term centred on the origin. An E(3)-equivariant interaction network for 4
 * particles. Every ordered pair (i, j) gets the same
 * small MLP on invariants (distance and its inverse, radial relative speed, relative speed, the
 * two particles' scalar property, and inverse-square terms); it returns two coefficients that scale the pair's relative position and
 * relative velocity. Particle i's output is its position, plus `(a + b q_i) v_i + (c + e q_i) p_i`
 * (its own motion, and an external field centred on the origin), plus the sum of its three pair
 * terms. The pair part is invariant to translations; the whole is equivariant to rotations about
 * the origin and to permutations of the particles. Input (batch, 4, 7) raw observations; output (batch, 4, 3).
 */
export class InverseSquareLayer extends tf.layers.Layer {
  /** Name under which tfjs serialises the layer. */
  static className = "InverseSquareLayer";
  private readonly cfg: InverseSquareConfig;
  private weightsOf: tf.LayerVariable[] = [];
  private pairConstants?: { pairs: tf.Tensor2D; receive: tf.Tensor2D };

  constructor(config: InverseSquareConfig & { name?: string }) {
    super({ name: config.name });
    this.cfg = { hidden: config.hidden, seed: config.seed };
  }

  override build(): void {
    const sizes = [N_INVARIANTS, ...this.cfg.hidden, 2];
    this.weightsOf = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const init = tf.initializers.glorotNormal({ seed: initSeed(this.cfg.seed, l) });
      this.weightsOf.push(this.addWeight(`w${l}`, [sizes[l], sizes[l + 1]], "float32", init));
      this.weightsOf.push(
        this.addWeight(`b${l}`, [sizes[l + 1]], "float32", tf.initializers.zeros()),
      );
    }
    // Self term (a + b q) v + (c + e q) p: motion during the step and an external field centred on
    // the origin (one data set has a harmonic trap); a and b start at 0.25, c and e at 0.
    this.weightsOf.push(
      this.addWeight("self_v", [2], "float32", tf.initializers.constant({ value: 0.25 })),
    );
    this.weightsOf.push(this.addWeight("self_p", [2], "float32", tf.initializers.zeros()));
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
      const { pairs, receive } = this.constants();
      // Feature-major layout: row blocks of (12 pairs x batch) columns, so that every slice and
      // concatenation below copies contiguous memory.
      const flat = x.reshape([batch, N_PARTICLES * N_IN]).transpose<tf.Tensor2D>(); // (28, batch)
      const lin = constantProduct(pairs, flat).reshape([PAIR_ROWS, N_PAIRS * batch]);
      const r = lin.slice([0, 0], [3, -1]);
      const u = lin.slice([3, 0], [3, -1]);
      const d = tf.sqrt(tf.add(tf.sum(tf.square(r), 0, true), 1e-6)); // (1, 12 batch)
      const invD = tf.reciprocal(d);
      const radial = tf.mul(tf.sum(tf.mul(r, u), 0, true), invD);
      const speed = tf.sqrt(tf.add(tf.sum(tf.square(u), 0, true), 1e-6));
      // The inverse-square terms 1/d², q_j/d² and q_i q_j/d².
      const invD2 = tf.square(invD);
      const [qi, qj] = [lin.slice([6, 0], [1, -1]), lin.slice([7, 0], [1, -1])];
      const qjInvD2 = tf.mul(qj, invD2);
      const invariants = [d, invD, radial, speed, qi, qj, invD2, qjInvD2, tf.mul(qi, qjInvD2)];
      let h: tf.Tensor = tf.concat(invariants, 0);
      const w = this.weightsOf.map((wv) => wv.read());
      const nLayers = this.cfg.hidden.length + 1; // w ends with the two self-term gains
      for (let l = 0; l < nLayers; l++) {
        const bias = w[2 * l + 1].reshape([-1, 1]);
        const product = l === 0 ? firstLayerProduct : weightProduct;
        h = tf.add(product(w[2 * l] as tf.Tensor2D, h as tf.Tensor2D), bias);
        if (l + 1 < nLayers) h = tanh(h);
      }
      // h holds the coefficients: alpha on the unit vector r / d, beta on u.
      const alpha = h.slice([0, 0], [1, -1]);
      const beta = h.slice([1, 0], [1, -1]);
      const pair = tf.add(tf.mul(tf.mul(alpha, invD), r), tf.mul(beta, u)); // (3, 12 batch)
      const received = constantProduct(receive, pair.reshape([N_OUT * N_PAIRS, batch]))
        .transpose()
        .reshape([batch, N_PARTICLES, N_OUT]);
      const p = x.slice([0, 0, 0], [-1, -1, 3]);
      const v = x.slice([0, 0, 3], [-1, -1, 3]);
      const q = x.slice([0, 0, 6], [-1, -1, 1]);
      const [selfV, selfP] = w.slice(-2);
      const gain = (g: tf.Tensor): tf.Tensor =>
        tf.add(g.slice([0], [1]), tf.mul(g.slice([1], [1]), q)); // (b, 4, 1)
      return tf.add(tf.add(tf.add(p, tf.mul(gain(selfV), v)), tf.mul(gain(selfP), p)), received);
    });
  }

  /** The two constant matrices, transposed, made once per layer on first use. */
  private constants(): { pairs: tf.Tensor2D; receive: tf.Tensor2D } {
    this.pairConstants ??= {
      pairs: tf.keep(
        tf.tensor2d(pairMatrix(), [PAIR_ROWS * N_PAIRS, N_PARTICLES * N_IN]).transpose(),
      ),
      receive: tf.keep(
        tf.tensor2d(receiveMatrix(), [N_PARTICLES * N_OUT, N_OUT * N_PAIRS]).transpose(),
      ),
    };
    return this.pairConstants;
  }

  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    if (this.pairConstants) {
      this.pairConstants.pairs.dispose();
      this.pairConstants.receive.dispose();
      this.pairConstants = undefined;
    }
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), hidden: this.cfg.hidden, seed: this.cfg.seed };
  }
}
tf.serialization.registerClass(InverseSquareLayer);

/** Parameter count of the design, from its widths alone (pair MLP weights and biases, plus 4 self-term gains). */
export function inverseSquareParamCount(config: Pick<InverseSquareConfig, "hidden">): number {
  const sizes = [N_INVARIANTS, ...config.hidden, 2];
  let n = 4;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

/** Builds the earlier design: one {@link InverseSquareLayer} on (batch, 4, 7) inputs. */
export function buildInverseSquareModel(config: InverseSquareConfig): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [N_PARTICLES, N_IN] }));
  model.add(new InverseSquareLayer(config));
  return model;
}
