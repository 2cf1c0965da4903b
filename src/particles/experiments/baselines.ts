import * as tf from "@tensorflow/tfjs";

import { applyRidge, fitRidge } from "../../math/ridge";
import { deriveSeed } from "../../random/derive-seed";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import type { Samples } from "../training/train";

/** Baseline without parameters: each particle's predicted position is its input position. */
export function predictInputPosition(x: Float32Array): Float32Array {
  const n = x.length / SAMPLE_IN;
  const out = new Float32Array(n * SAMPLE_OUT);
  for (let s = 0; s < n * N_PARTICLES; s++) out.set(x.subarray(s * N_IN, s * N_IN + 3), s * N_OUT);
  return out;
}

/** A fitted linear map from a sample's flat inputs (plus a bias) to its flat outputs. */
export interface LinearModel {
  /** (SAMPLE_IN + 1, SAMPLE_OUT) row-major: the input weights, then the bias row. */
  weights: Float64Array;
  params: number;
}

/** Fits linear least squares on flattened samples (ridge regression with a tiny penalty for stability). */
export function fitLinear(train: Samples, ridge = 1e-8): LinearModel {
  const weights = fitRidge(train.x, train.y, train.n, SAMPLE_IN, ridge, {
    outputs: SAMPLE_OUT,
    interceptLambda: ridge,
  });
  return { weights, params: weights.length };
}

/** Applies a {@link LinearModel} to flat (n, 4, 7) inputs. */
export function predictLinear(model: LinearModel, x: Float32Array): Float32Array {
  const n = x.length / SAMPLE_IN;
  return Float32Array.from(applyRidge(model.weights, x, n, SAMPLE_IN, SAMPLE_OUT));
}

/** A plain dense network on the flattened inputs, the unstructured baseline. */
export function buildDenseModel(hidden: number[] = [64, 64], seed = 0): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [N_PARTICLES, N_IN] }));
  hidden.forEach((units, l) =>
    model.add(
      tf.layers.dense({
        units,
        activation: "tanh",
        kernelInitializer: tf.initializers.glorotNormal({
          seed: deriveSeed(seed, "particle-layer", l),
        }),
      }),
    ),
  );
  model.add(
    tf.layers.dense({
      units: SAMPLE_OUT,
      kernelInitializer: tf.initializers.glorotNormal({
        seed: deriveSeed(seed, "particle-layer", hidden.length),
      }),
    }),
  );
  model.add(tf.layers.reshape({ targetShape: [N_PARTICLES, N_OUT] }));
  return model;
}
