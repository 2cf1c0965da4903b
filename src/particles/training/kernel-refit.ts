import { SeededRandom } from "../../random/seeded";
import {
  ADAM_BETA1 as BETA1,
  ADAM_BETA2 as BETA2,
  ADAM_EPSILON as EPSILON,
} from "../../training/adam-constants";
import { RelativeGradientClip } from "../../training/gradient-clip";
import { SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import { kernelOf } from "../model/interaction-layer";
import { copyWeights, kernelParams, type SizedNetwork } from "../model/network-surgery";
import type { Samples } from "./train";

/** Settings of {@link refitOnKernel}. */
export interface RefitOptions {
  /** Adam steps. */
  steps: number;
  /** Samples per step. */
  batchSize: number;
  /** Adam's learning rate, constant. */
  learningRate: number;
  /** Seed of the batches' order. */
  seed: number;
  /** Gradient clip, a multiple of the running average norm, as in training; 0: none. */
  clipGradients: number;
}

/**
 * A copy of `net` trained for a few Adam steps on MSE, computed by the kernel in float64: the
 * short refit with which pruning judges a removal (see pruneByScore), after which a network that
 * lost a part has had the chance to make up for it. The batches are a seeded draw of `samples`,
 * the same for every network given the same options, so that two networks refit alike are
 * compared on the same steps. Written on the kernel rather than through tfjs: pruning refits many
 * small networks one after the other, and here a refit builds no tfjs model and runs no tfjs op.
 *
 * @example
 * const refit = refitOnKernel(net, train, { steps: 100, batchSize: 128, learningRate: 0.01, seed: 0, clipGradients: 10 });
 */
export function refitOnKernel(
  net: SizedNetwork,
  samples: Samples,
  { steps, batchSize, learningRate, seed, clipGradients }: RefitOptions,
): SizedNetwork {
  const copy: SizedNetwork = { config: net.config, weights: copyWeights(net.weights) };
  const kernel = kernelOf(copy.config);
  const params = kernelParams(copy, kernel);
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const clip = clipGradients > 0 ? new RelativeGradientClip(clipGradients) : null;
  const rng = new SeededRandom(seed);
  const batch = Math.min(batchSize, samples.n);
  const x = new Float32Array(batch * SAMPLE_IN);
  const y = new Float32Array(batch * SAMPLE_OUT);
  const dy = new Float64Array(batch * SAMPLE_OUT);
  for (let t = 1; t <= steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = rng.int(samples.n);
      x.set(samples.x.subarray(row * SAMPLE_IN, (row + 1) * SAMPLE_IN), b * SAMPLE_IN);
      y.set(samples.y.subarray(row * SAMPLE_OUT, (row + 1) * SAMPLE_OUT), b * SAMPLE_OUT);
    }
    const forward = kernel.forward(x, batch, params);
    for (let k = 0; k < dy.length; k++) dy[k] = (2 * (forward.out[k] - y[k])) / dy.length;
    const grads = kernel.backward(x, batch, params, forward, dy);
    let sq = 0;
    for (const g of grads) for (const gi of g) sq += gi * gi;
    const scale = clip ? clip.scaleFor(Math.sqrt(sq)) : 1;
    if (scale === 0) continue;
    const rate = learningRate / (1 - BETA1 ** t);
    const vCorrection = 1 - BETA2 ** t;
    params.forEach((p, a) => {
      for (let i = 0; i < p.length; i++) {
        const gi = grads[a][i] * scale;
        m[a][i] = BETA1 * m[a][i] + (1 - BETA1) * gi;
        v[a][i] = BETA2 * v[a][i] + (1 - BETA2) * gi * gi;
        p[i] -= (rate * m[a][i]) / (Math.sqrt(v[a][i] / vCorrection) + EPSILON);
      }
    });
  }
  return copy;
}
