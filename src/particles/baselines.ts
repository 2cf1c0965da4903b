import * as tf from "@tensorflow/tfjs";

import { solveSpd } from "../math/linear-system";
import { N_IN, N_OUT, N_PARTICLES } from "./data";
import { initSeed } from "./interaction-layer";
import type { Samples } from "./train";

const ROW_IN = N_PARTICLES * N_IN;
const ROW_OUT = N_PARTICLES * N_OUT;

/** Baseline without parameters: each particle's predicted position is its input position. */
export function predictInputPosition(x: Float32Array): Float32Array {
  const n = x.length / ROW_IN;
  const out = new Float32Array(n * ROW_OUT);
  for (let s = 0; s < n * N_PARTICLES; s++) out.set(x.subarray(s * N_IN, s * N_IN + 3), s * N_OUT);
  return out;
}

/** A fitted linear map from the 28 flat inputs (plus a bias) to the 12 flat outputs. */
export interface LinearModel {
  /** (29, 12) row-major: 28 input weights then the bias row. */
  weights: Float64Array;
  params: number;
}

/** Fits linear least squares on flattened samples (normal equations, tiny ridge for stability). */
export function fitLinear(train: Samples, ridge = 1e-8): LinearModel {
  const k = ROW_IN + 1;
  const ata = new Float64Array(k * k);
  const atb = new Float64Array(k * ROW_OUT);
  const row = new Float64Array(k);
  for (let s = 0; s < train.n; s++) {
    for (let a = 0; a < ROW_IN; a++) row[a] = train.x[s * ROW_IN + a];
    row[ROW_IN] = 1;
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) ata[a * k + b] += row[a] * row[b];
      for (let o = 0; o < ROW_OUT; o++) atb[a * ROW_OUT + o] += row[a] * train.y[s * ROW_OUT + o];
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) ata[a * k + b] = ata[b * k + a];
    ata[a * k + a] += ridge * train.n;
  }
  return { weights: solveSpd(ata, atb, k, ROW_OUT), params: k * ROW_OUT };
}

/** Applies a {@link LinearModel} to flat (n, 4, 7) inputs. */
export function predictLinear(model: LinearModel, x: Float32Array): Float32Array {
  const n = x.length / ROW_IN;
  const out = new Float32Array(n * ROW_OUT);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < ROW_OUT; o++) {
      let v = model.weights[ROW_IN * ROW_OUT + o];
      for (let a = 0; a < ROW_IN; a++) v += x[s * ROW_IN + a] * model.weights[a * ROW_OUT + o];
      out[s * ROW_OUT + o] = v;
    }
  }
  return out;
}

/** A plain dense network on the 28 flattened inputs, the unstructured baseline. */
export function buildDenseModel(hidden: number[] = [64, 64], seed = 0): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [N_PARTICLES, N_IN] }));
  hidden.forEach((units, l) =>
    model.add(
      tf.layers.dense({
        units,
        activation: "tanh",
        kernelInitializer: tf.initializers.glorotNormal({ seed: initSeed(seed, l) }),
      }),
    ),
  );
  model.add(
    tf.layers.dense({
      units: ROW_OUT,
      kernelInitializer: tf.initializers.glorotNormal({ seed: initSeed(seed, hidden.length) }),
    }),
  );
  model.add(tf.layers.reshape({ targetShape: [N_PARTICLES, N_OUT] }));
  return model;
}
