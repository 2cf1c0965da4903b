import * as tf from "@tensorflow/tfjs";

import { N_IN, N_OUT, N_PARTICLES } from "./data";

/** Settings of {@link InteractionLayer}. */
export interface InteractionConfig {
  /** Widths of the pair function's hidden layers, e.g. `[16]`. */
  hidden: number[];
  /** Seed of the weight initialisation. */
  seed: number;
}

// The 12 ordered pairs (i, j), i != j, grouped by receiving particle i.
const PAIR_I = Array.from({ length: N_PARTICLES * (N_PARTICLES - 1) }, (_, k) =>
  Math.floor(k / (N_PARTICLES - 1)),
);
const PAIR_J = PAIR_I.map((i, k) => {
  const j = k % (N_PARTICLES - 1);
  return j >= i ? j + 1 : j;
});
/**
 * Rotation- and translation-invariant inputs of the pair function: distance d, 1/d, radial
 * relative speed, relative speed |u|, and the two particles' scalar property q_i, q_j.
 */
const N_INVARIANTS = 6;

/**
 * An E(3)-equivariant interaction network for 4 particles. Every ordered pair (i, j) gets the same
 * small MLP on invariants (distance, inverse distance, radial relative speed, the two particles'
 * scalar property); it returns two coefficients that scale the pair's relative position and
 * relative velocity. Particle i's output is its position, plus `(a + b q_i) v_i + (c + e q_i) p_i`
 * (its own motion, and an external field centred on the origin), plus the sum of its three pair
 * terms. The pair part is invariant to translations; the whole is equivariant to rotations about
 * the origin and to permutations of the particles. Input (batch, 4, 7) raw observations; output (batch, 4, 3).
 */
export class InteractionLayer extends tf.layers.Layer {
  /** Name under which tfjs serialises the layer. */
  static className = "InteractionLayer";
  private readonly cfg: InteractionConfig;
  private weightsOf: tf.LayerVariable[] = [];

  constructor(config: InteractionConfig & { name?: string }) {
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
      const nPairs = PAIR_I.length;
      const p = x.slice([0, 0, 0], [-1, -1, 3]);
      const v = x.slice([0, 0, 3], [-1, -1, 3]);
      const q = x.slice([0, 0, 6], [-1, -1, 1]);
      const iIdx = tf.tensor1d(PAIR_I, "int32");
      const jIdx = tf.tensor1d(PAIR_J, "int32");
      const r = tf.sub(tf.gather(p, jIdx, 1), tf.gather(p, iIdx, 1)); // (b, 12, 3)
      const u = tf.sub(tf.gather(v, jIdx, 1), tf.gather(v, iIdx, 1));
      const d = tf.sqrt(tf.add(tf.sum(tf.square(r), -1, true), 1e-6)); // (b, 12, 1)
      const radial = tf.div(tf.sum(tf.mul(r, u), -1, true), d);
      const speed = tf.sqrt(tf.add(tf.sum(tf.square(u), -1, true), 1e-6));
      const inv = tf.concat(
        [d, tf.reciprocal(d), radial, speed, tf.gather(q, iIdx, 1), tf.gather(q, jIdx, 1)],
        -1,
      );
      let h: tf.Tensor = inv.reshape([batch * nPairs, N_INVARIANTS]);
      const w = this.weightsOf.map((wv) => wv.read());
      const nLayers = this.cfg.hidden.length + 1; // w ends with the two self-term gains
      for (let l = 0; l < nLayers; l++) {
        h = tf.add(tf.matMul(h as tf.Tensor2D, w[2 * l] as tf.Tensor2D), w[2 * l + 1]);
        if (l + 1 < nLayers) h = tf.tanh(h);
      }
      const coef = h.reshape([batch, nPairs, 2]);
      const alpha = coef.slice([0, 0, 0], [-1, -1, 1]);
      const beta = coef.slice([0, 0, 1], [-1, -1, 1]);
      const pair = tf.add(tf.mul(alpha, tf.div(r, d)), tf.mul(beta, u)); // (b, 12, 3)
      const received = pair.reshape([batch, N_PARTICLES, N_PARTICLES - 1, N_OUT]).sum(2);
      const [selfV, selfP] = w.slice(-2);
      const gain = (g: tf.Tensor): tf.Tensor =>
        tf.add(g.slice([0], [1]), tf.mul(g.slice([1], [1]), q)); // (b, 4, 1)
      return tf.add(tf.add(tf.add(p, tf.mul(gain(selfV), v)), tf.mul(gain(selfP), p)), received);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), hidden: this.cfg.hidden, seed: this.cfg.seed };
  }
}
tf.serialization.registerClass(InteractionLayer);

/**
 * A non-zero initialiser seed per (model seed, layer): tfjs treats seed 0 as "no seed" and would
 * draw a random initialisation.
 */
export function initSeed(seed: number, layer: number): number {
  return 1 + seed * 1000 + layer;
}

/** Parameter count of the design, from its widths alone (pair MLP weights and biases, plus 4 self-term gains). */
export function interactionParamCount(config: Pick<InteractionConfig, "hidden">): number {
  const sizes = [N_INVARIANTS, ...config.hidden, 2];
  let n = 4;
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
