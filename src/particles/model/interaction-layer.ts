import * as tf from "@tensorflow/tfjs";

import { deriveSeed } from "../../random/derive-seed";
import { N_IN, N_OUT, N_PARTICLES } from "../data/particle-data";
import {
  CENTRAL_HIDDEN,
  FIELD_WEIGHTS,
  InteractionKernel,
  N_INVARIANTS,
} from "./interaction-kernel";

/** Settings of {@link InteractionLayer}. */
export interface InteractionConfig {
  /** Widths of the pair function's hidden layers, e.g. `[6]`. */
  hidden: number[];
  /** Seed of the weight initialisation. */
  seed: number;
  /** Integration substeps inside one observation step (default {@link DEFAULT_SUBSTEPS}). */
  substeps?: number;
  /** Scale each pair coefficient by a learned bilinear factor of the two properties. */
  factors?: boolean;
  /**
   * Step control η: each sample takes more substeps where its learned accelerations change
   * pair separations fast (see KernelOptions); 0 or absent, equal substeps.
   */
  stepControl?: number;
}

/** Time between a sample's input and its target, in the challenge's data. */
export const OBSERVATION_STEP = 0.5;
/**
 * Substeps of the learned integrator. Close encounters under strong short-range forces are what
 * coarse substeps miss (`npm run bench:integration` measures what equal substeps leave); each
 * substep costs training time, not parameters.
 */
export const DEFAULT_SUBSTEPS = 6;

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
 * trajectory within the step is followed; with `stepControl`, each sample takes more and shorter
 * substeps where its learned accelerations change a pair's separation fast (a close encounter),
 * up to 8 times as many. Permutation-equivariant; the pair part is also invariant
 * to rotations and translations. Input (batch, 4, 7) raw observations; output (batch, 4, 3)
 * positions one step later. With `factors`, α and β are scaled by a learned bilinear factor of
 * the two properties. The whole network runs as one tfjs op, {@link InteractionKernel}'s
 * hand-written forward and backward passes.
 */
export class InteractionLayer extends tf.layers.Layer {
  /** Name under which tfjs serialises the layer. */
  static className = "InteractionLayer";
  private readonly cfg: Omit<Required<InteractionConfig>, "factors" | "stepControl"> &
    Pick<InteractionConfig, "factors" | "stepControl">;
  private mlp: tf.LayerVariable[] = [];
  private field: Record<
    "a" | "b" | "c" | "gate" | "w0" | "b0" | "w1" | "b1",
    tf.LayerVariable
  > | null = null;
  private fused?: (...tensors: tf.Tensor[]) => tf.Tensor;

  constructor(config: InteractionConfig & { name?: string }) {
    super({ name: config.name });
    this.cfg = {
      hidden: config.hidden,
      seed: config.seed,
      substeps: config.substeps ?? DEFAULT_SUBSTEPS,
      ...(config.factors ? { factors: true } : {}),
      ...(config.stepControl ? { stepControl: config.stepControl } : {}),
    };
  }

  override build(): void {
    const sizes = [N_INVARIANTS, ...this.cfg.hidden, 2];
    const init = (layer: number, scale = 1) =>
      tf.initializers.varianceScaling({
        scale,
        mode: "fanAvg",
        distribution: "normal",
        seed: deriveSeed(this.cfg.seed, "particle-layer", layer),
      });
    const zeros = tf.initializers.zeros();
    this.mlp = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      // The last layer starts small: the network starts close to free flight p + v t.
      const scale = l + 2 === sizes.length ? 0.01 : 1;
      this.mlp.push(this.addWeight(`w${l}`, [sizes[l], sizes[l + 1]], "float32", init(l, scale)));
      this.mlp.push(this.addWeight(`b${l}`, [sizes[l + 1]], "float32", zeros));
    }
    // Property factors 1 + w·(1, qᵢ, qⱼ, qᵢqⱼ) of α and β, starting as 1.
    if (this.cfg.factors)
      this.mlp.push(this.addWeight("pair_factor", [2, PAIR_FACTOR_PARAMS / 2], "float32", zeros));
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
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const f = this.field!;
    const weights = [...this.mlp, f.a, f.b, f.c, f.gate, f.w0, f.b0, f.w1, f.b1].map((w) =>
      w.read(),
    );
    this.fused ??= this.fusedOp();
    return this.fused(x, ...weights);
  }

  /**
   * The layer as one tfjs op with its own gradient: {@link InteractionKernel}'s forward and
   * backward passes on the inputs' and weights' values. The inputs get a zero gradient (they are
   * data).
   */
  private fusedOp(): (...tensors: tf.Tensor[]) => tf.Tensor {
    const kernel = new InteractionKernel(this.cfg.hidden, this.cfg.substeps, OBSERVATION_STEP, {
      factors: this.cfg.factors,
      stepControl: this.cfg.stepControl,
    });
    return tf.customGrad(((...args: unknown[]) => {
      const [x, ...weights] = args.slice(0, -1) as tf.Tensor[];
      const batch = x.shape[0];
      const xs = x.dataSync();
      const params = weights.map((w) => Float64Array.from(w.dataSync()));
      // The tape is only kept while tfjs records gradients (training), not for predictions.
      const forward = kernel.forward(xs, batch, params, tf.engine().state.gradientDepth > 0);
      return {
        value: tf.tensor3d(Float32Array.from(forward.out), [batch, N_PARTICLES, N_OUT]),
        gradFunc: (dy: tf.Tensor) => {
          const grads = kernel.backward(xs, batch, params, forward, dy.dataSync());
          const asTensors = grads.map((g, k) => tf.tensor(Float32Array.from(g), weights[k].shape));
          return [tf.zerosLike(x), ...asTensors];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
      ...tensors: tf.Tensor[]
    ) => tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.cfg as unknown as tf.serialization.ConfigDict) };
  }
}
tf.serialization.registerClass(InteractionLayer);

/** Parameters of the field term: A 6, B 9, c 3, the gates 6, the radial function 10. */
export const FIELD_TERM_PARAMS = FIELD_WEIGHTS.reduce((n, [, size]) => n + size, 0);

/** Parameters of the property factors of α and β: 4 each. */
export const PAIR_FACTOR_PARAMS = 8;

/** Parameter count of the design from its widths alone: the pair MLP, its factors, the field term. */
export function interactionParamCount(
  config: Pick<InteractionConfig, "hidden" | "factors">,
): number {
  const sizes = [N_INVARIANTS, ...config.hidden, 2];
  let n = FIELD_TERM_PARAMS + (config.factors ? PAIR_FACTOR_PARAMS : 0);
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
