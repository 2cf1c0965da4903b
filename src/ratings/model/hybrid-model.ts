import * as tf from "@tensorflow/tfjs";

import { deriveSeed } from "../../random/derive-seed";
import { UserLookup } from "./user-lookup";

/** Sizes and regularisation of the hybrid rating network. */
export interface HybridConfig {
  /** Known users; index 0 is reserved for users unseen in training. */
  nUsers: number;
  contentDim: number;
  userFeatureDim: number;
  /** Length of the user vector and of the content vector it is dotted with. */
  factors: number;
  /** Width of the content network's hidden layer. */
  hidden: number;
  /** L2 penalty on the content layers' kernels (their `kernelRegularizer`). */
  l2: number;
  /** L2 penalty on the user vectors and biases, applied by rows while training (see UserLookup). */
  userL2: number;
  /** Initial value of the content bias: the training mean rating. */
  globalMean: number;
  seed: number;
}

/**
 * The hybrid network: prediction = user bias + content bias + user vector · content vector +
 * linear(user features). The content vector and bias come from one hidden layer on the movie's
 * content features (metadata, optionally the overview embedding), so a new movie gets both from
 * its content alone. Inputs: user index ((batch, 1) int32, 0 = unknown user), content features,
 * user features.
 *
 * @example
 * const model = buildHybridModel({ nUsers: 671, contentDim: 60, userFeatureDim: 9, factors: 16, hidden: 64, l2: 3e-4, userL2: 2.4e-3, globalMean: 3.5, seed: 1 });
 */
export function buildHybridModel(c: HybridConfig): tf.LayersModel {
  const kernelRegularizer = tf.regularizers.l2({ l2: c.l2 });
  const userIn = tf.input({ shape: [1], dtype: "int32", name: "user_index" });
  const contentIn = tf.input({ shape: [c.contentDim], name: "content" });
  const featsIn = tf.input({ shape: [c.userFeatureDim], name: "user_features" });
  const hidden = tf.layers
    .dense({
      units: c.hidden,
      activation: "relu",
      kernelRegularizer,
      kernelInitializer: tf.initializers.glorotNormal({
        seed: deriveSeed(c.seed, "rating-layer", 1),
      }),
    })
    .apply(contentIn) as tf.SymbolicTensor;
  const contentVec = tf.layers
    .dense({
      units: c.factors,
      kernelRegularizer,
      kernelInitializer: tf.initializers.glorotNormal({
        seed: deriveSeed(c.seed, "rating-layer", 2),
      }),
    })
    .apply(hidden) as tf.SymbolicTensor;
  const contentBias = tf.layers
    .dense({
      units: 1,
      biasInitializer: tf.initializers.constant({ value: c.globalMean }),
      kernelRegularizer,
      kernelInitializer: tf.initializers.glorotNormal({
        seed: deriveSeed(c.seed, "rating-layer", 3),
      }),
    })
    .apply(hidden) as tf.SymbolicTensor;
  // User vectors and biases looked up by index and trained by rows (see UserLookup): the cost of a
  // batch does not depend on the number of users. Their L2 penalty is applied by rows as well.
  const rows = c.nUsers + 1;
  const userVec = new UserLookup({
    rows,
    width: c.factors,
    initStddev: 0.05,
    seed: deriveSeed(c.seed, "rating-layer", 4),
    l2: c.userL2,
    name: "user_vector",
  }).apply(userIn) as tf.SymbolicTensor;
  const userBias = new UserLookup({
    rows,
    width: 1,
    initStddev: 0,
    seed: deriveSeed(c.seed, "rating-layer", 5),
    l2: c.userL2,
    name: "user_bias",
  }).apply(userIn) as tf.SymbolicTensor;
  const dot = tf.layers.dot({ axes: 1 }).apply([userVec, contentVec]) as tf.SymbolicTensor;
  const featsLin = tf.layers
    .dense({
      units: 1,
      useBias: false,
      kernelRegularizer,
      kernelInitializer: tf.initializers.zeros(),
    })
    .apply(featsIn) as tf.SymbolicTensor;
  const out = tf.layers.add().apply([dot, contentBias, userBias, featsLin]) as tf.SymbolicTensor;
  return tf.model({ inputs: [userIn, contentIn, featsIn], outputs: out });
}
