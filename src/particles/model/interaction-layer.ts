import * as tf from "@tensorflow/tfjs";

import { deriveSeed } from "../../random/derive-seed";
import { N_IN, N_OUT, N_PARTICLES } from "../data/particle-data";
import { InteractionKernel } from "./interaction-kernel";
import { checkParts, type NetworkParts, restorePartNames } from "./network-parts";
import { type NamedWeights, removableParts } from "./network-surgery";

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
  /**
   * The network's parts (see NetworkParts): which pair inputs and output directions, axes, a
   * three-body function, field parts and an inertia. Absent: PAIR_ALONG_R_AND_U.
   */
  parts?: NetworkParts;
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
 * - pair terms: one small MLP on rotation invariants of every ordered pair
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
  private readonly cfg: Omit<Required<InteractionConfig>, "factors" | "stepControl" | "parts"> &
    Pick<InteractionConfig, "factors" | "stepControl" | "parts">;
  private readonly kernel: InteractionKernel;
  private vars: tf.LayerVariable[] = [];
  private fused?: (...tensors: tf.Tensor[]) => tf.Tensor;
  /** The pressure on the removable parts while training (see {@link setPressure}). */
  private pressure = 0;
  /** Each removable part's weights as (array, index) pairs, and the weights in all. */
  private pressureParts: (readonly [number, number])[][] = [];
  private pressureTotal = 0;

  constructor(config: InteractionConfig & { name?: string }) {
    super({ name: config.name });
    this.cfg = {
      hidden: config.hidden,
      seed: config.seed,
      substeps: config.substeps ?? DEFAULT_SUBSTEPS,
      ...(config.factors ? { factors: true } : {}),
      ...(config.stepControl ? { stepControl: config.stepControl } : {}),
      ...(config.parts ? { parts: restorePartNames(config.parts) } : {}),
    };
    if (this.cfg.parts) checkParts(this.cfg.parts);
    this.kernel = kernelOf(this.cfg);
  }

  override build(): void {
    const init = (layer: number, scale = 1) =>
      tf.initializers.varianceScaling({
        scale,
        mode: "fanAvg",
        distribution: "normal",
        seed: deriveSeed(this.cfg.seed, "particle-layer", layer),
      });
    const zeros = tf.initializers.zeros();
    const specs = this.kernel.paramSpecs();
    const lastPair = specs.filter((s) => /^w\d+$/.test(s.name)).length - 1;
    const lastTriplet = specs.filter((s) => /^triplet_w\d+$/.test(s.name)).length - 1;
    // Each weight's initialiser by name. Output layers start small, so that the network starts
    // close to free flight p + v t; factors, gates and the inertia start as 1.
    const initFor = (name: string): ReturnType<typeof init> => {
      const pairW = /^w(\d+)$/.exec(name);
      if (pairW) return init(Number(pairW[1]), Number(pairW[1]) === lastPair ? 0.01 : 1);
      const tripletW = /^triplet_w(\d+)$/.exec(name);
      if (tripletW)
        return init(200 + Number(tripletW[1]), Number(tripletW[1]) === lastTriplet ? 0.01 : 1);
      if (name === "central_w0") return init(100);
      if (name === "axes") return init(300);
      return zeros;
    };
    this.vars = specs.map((s) => this.addWeight(s.name, s.shape, "float32", initFor(s.name)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], N_PARTICLES, N_OUT];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const weights = this.vars.map((w) => w.read());
    this.fused ??= this.fusedOp();
    return this.fused(x, ...weights);
  }

  /**
   * The layer as one tfjs op with its own gradient: {@link InteractionKernel}'s forward and
   * backward passes on the inputs' and weights' values. The inputs get a zero gradient (they are
   * data).
   */
  private fusedOp(): (...tensors: tf.Tensor[]) => tf.Tensor {
    const kernel = this.kernel;
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
          const dys = dy.dataSync();
          const grads = kernel.backward(xs, batch, params, forward, dys);
          if (this.pressure > 0) this.addPressure(params, grads, dys);
          const asTensors = grads.map((g, k) => tf.tensor(Float32Array.from(g), weights[k].shape));
          return [tf.zerosLike(x), ...asTensors];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
      ...tensors: tf.Tensor[]
    ) => tf.Tensor;
  }

  /**
   * The MSE of the layer's outputs on `batch` samples `x` (batch, 4, 7) against `y` (batch, 4, 3)
   * and its gradients with respect to the layer's weights (in the order of `trainableWeights`,
   * pressure included), without a tfjs op: the same numbers, to the bit, as tfjs's gradients of
   * `tf.mean(tf.squaredDifference(y, layer.apply(x)))` through {@link fusedOp} (the tests compare
   * them). What tfjs computes in float32 is rounded to float32 here step by step in its order: the
   * outputs, each squared difference, the loss summed in order and divided by the count, and the
   * outputs' adjoint `(1 / count) · (2 · (out − y))`. (That is the wasm backend's order; the cpu
   * backend sums the loss in float64, so there the loss may differ in its last bit, which only
   * the reported training loss shows; the gradients do not.) A training step of the particle
   * network costs little beyond the kernel this way; through tfjs, the dispatch of its ops and the
   * gradient tape took a large part of a step for the small networks pruning leaves.
   *
   * @example
   * const { loss, grads } = interactionLayerOf(model).lossAndGradients(x, y, 64);
   */
  lossAndGradients(
    x: Float32Array,
    y: Float32Array,
    batch: number,
  ): { loss: number; grads: Float32Array[] } {
    const f = Math.fround;
    const params = this.vars.map((w) => Float64Array.from(w.read().dataSync()));
    const forward = this.kernel.forward(x, batch, params, true);
    const count = batch * N_PARTICLES * N_OUT;
    const perOutput = f(1 / count);
    const dy = new Float32Array(count);
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const out = f(forward.out[i]);
      const diff = f(y[i] - out);
      sum = f(sum + f(diff * diff));
      dy[i] = f(perOutput * f(2 * f(out - y[i])));
    }
    const grads = this.kernel.backward(x, batch, params, forward, dy);
    if (this.pressure > 0) this.addPressure(params, grads, dy);
    return { loss: f(sum / count), grads: grads.map((g) => Float32Array.from(g)) };
  }

  /**
   * Sets the pressure ρ on the removable parts (see removableParts) for the trainings that
   * follow; 0 turns it off. With pressure, each part g of k weights w_g adds
   * `ρ L √k / P · w_g / |w_g|` to the gradient of its weights (P the network's weights, L the
   * batch's MSE): the gradient of a group lasso `ρ L √k / P · |w_g|` scaled to the loss, so that
   * a part the data does not need is pulled to 0 and can be removed, while the parts it needs keep
   * their size. Only the gradient changes; the loss reported stays the MSE.
   */
  setPressure(rho: number): void {
    this.pressure = rho;
    const specs = this.kernel.paramSpecs();
    const index = new Map(specs.map((s, k) => [s.name, k]));
    this.pressureParts = removableParts(this.cfg).map((part) =>
      part.weights.map((w) => [index.get(w.array)!, w.index] as const),
    );
    this.pressureTotal = this.kernel.paramSizes().reduce((a, b) => a + b, 0);
  }

  /** Adds the gradient of the pressure to `grads`, with L the MSE whose gradient is `dy`. */
  private addPressure(params: Float64Array[], grads: Float64Array[], dy: ArrayLike<number>): void {
    // dy = 2 (pred − y) / n, so L = n Σ dy² / 4.
    let sq = 0;
    for (let i = 0; i < dy.length; i++) sq += dy[i] * dy[i];
    const loss = (dy.length * sq) / 4;
    for (const part of this.pressureParts) {
      let norm = 0;
      for (const [k, i] of part) norm += params[k][i] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) continue;
      const scale = (this.pressure * loss * Math.sqrt(part.length)) / (this.pressureTotal * norm);
      for (const [k, i] of part) grads[k][i] += scale * params[k][i];
    }
  }

  /** The weights by name, as float64 arrays (see NamedWeights). */
  namedWeights(): NamedWeights {
    const specs = this.kernel.paramSpecs();
    return new Map(
      this.vars.map((v, k) => [
        specs[k].name,
        { shape: specs[k].shape, data: Float64Array.from(v.read().dataSync()) },
      ]),
    );
  }

  /** Sets the weights by name (see NamedWeights); each must have the shape the layer has. */
  setNamedWeights(weights: NamedWeights): void {
    const specs = this.kernel.paramSpecs();
    const tensors = specs.map((s) => {
      const w = weights.get(s.name);
      if (!w || w.data.length !== s.shape.reduce((a, b) => a * b, 1))
        throw new Error(`setNamedWeights: no weights ${s.name} of shape ${s.shape.join(" × ")}`);
      return tf.tensor(Float32Array.from(w.data), s.shape);
    });
    this.setWeights(tensors);
    tf.dispose(tensors);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.cfg as unknown as tf.serialization.ConfigDict) };
  }
}
tf.serialization.registerClass(InteractionLayer);

/**
 * The kernel of a configuration: its widths, factors, step control and parts, integrating the
 * observation step in `substeps` (at least, with step control); `unrollAfter` as in
 * KernelOptions (by default, UNROLL_AFTER).
 *
 * @example
 * const out = kernelOf(SUBSTEP_DESIGN).forward(x, batch, params, false).out;
 */
export function kernelOf(
  config: Omit<InteractionConfig, "seed">,
  substeps = config.substeps ?? DEFAULT_SUBSTEPS,
  unrollAfter?: number,
): InteractionKernel {
  return new InteractionKernel(config.hidden, substeps, OBSERVATION_STEP, {
    factors: config.factors,
    stepControl: config.stepControl,
    parts: config.parts,
    unrollAfter,
  });
}

/** Parameter count of the design from its configuration alone (every weight the layer holds). */
export function interactionParamCount(config: Omit<InteractionConfig, "seed">): number {
  return kernelOf(config)
    .paramSizes()
    .reduce((a, b) => a + b, 0);
}

/** Builds the particle network: one {@link InteractionLayer} on (batch, 4, 7) inputs. */
export function buildInteractionModel(config: InteractionConfig): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [N_PARTICLES, N_IN] }));
  model.add(new InteractionLayer(config));
  return model;
}

/** The {@link InteractionLayer} of a particle network built by {@link buildInteractionModel}. */
export function interactionLayerOf(model: tf.LayersModel): InteractionLayer {
  const layer = model.layers.find((l) => l instanceof InteractionLayer);
  if (!layer) throw new Error("the model has no interaction layer");
  return layer as InteractionLayer;
}
