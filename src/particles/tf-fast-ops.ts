import * as tf from "@tensorflow/tfjs";

/**
 * `wᵀ h` for a small matrix w (in, out) and a wide one h (in, n), differentiated with respect to
 * the operands named in `grads`. tfjs differentiates a product into products with a transposed
 * operand, which the wasm backend computes much more slowly than plain ones; these gradients are
 * plain products, or have the transposed operand last, the fast case. An operand outside `grads`
 * gets a zero gradient, for constants and for inputs that do not depend on any weight.
 */
function transposedProduct(grads: { w: boolean; h: boolean }) {
  return tf.customGrad(((w: tf.Tensor, h: tf.Tensor, save: tf.GradSaveFunc) => {
    save([w, h]);
    return {
      value: tf.matMul(w.transpose(), h as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, [ws, hs]: tf.Tensor[]) => [
        grads.w ? tf.matMul(hs as tf.Tensor2D, dy as tf.Tensor2D, false, true) : tf.zerosLike(ws),
        grads.h ? tf.matMul(ws as tf.Tensor2D, dy as tf.Tensor2D) : tf.zerosLike(hs),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    w: tf.Tensor2D,
    h: tf.Tensor2D,
  ) => tf.Tensor2D;
}

/** A constant matrix (given transposed) times activations. */
export const constantProduct = transposedProduct({ w: false, h: true });
/** A first layer's weights times inputs that depend on no weight. */
export const firstLayerProduct = transposedProduct({ w: true, h: false });
/** A layer's weights times activations that depend on weights. */
export const weightProduct = transposedProduct({ w: true, h: true });

/**
 * tanh as 2 sigmoid(2x) - 1: the same function, but the wasm backend's sigmoid is vectorised and
 * its tanh is not.
 */
export function fastTanh(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/**
 * A non-zero initialiser seed per (model seed, layer): tfjs treats seed 0 as "no seed" and would
 * draw a random initialisation.
 */
export function initSeed(seed: number, layer: number): number {
  return 1 + seed * 1000 + layer;
}
