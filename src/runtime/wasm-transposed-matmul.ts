import * as tf from "@tensorflow/tfjs";

/** The two matrix-product kernels whose inputs may come transposed. */
const MAT_MUL_KERNELS = [tf.BatchMatMul, tf._FusedMatMul];

/**
 * Makes the wasm backend's matrix products transpose a transposed input first, then multiply.
 *
 * The backend multiplies untransposed matrices with XNNPACK's SIMD kernels but falls back to a
 * plain loop when an input is transposed, and every dense layer's backward pass multiplies by a
 * transposed input (the weights' gradient `xᵀ · dy`, the input's `dy · Wᵀ`). A transpose, a
 * copy, costs little beside the product. The products are XNNPACK's, so their sums are taken in
 * its order, not the loop's: results can differ in the last bits. Kernels of other backends are
 * left alone. Idempotent; call after the wasm backend is registered.
 *
 * @example
 * await tf.setBackend("wasm");
 * useTransposingMatMul();
 * tf.matMul(a, dy, true, false); // transpose(a), then XNNPACK's product
 */
export function useTransposingMatMul(): void {
  const transpose = tf.getKernel(tf.Transpose, "wasm");
  if (!transpose) return;
  for (const name of MAT_MUL_KERNELS) {
    const product = tf.getKernel(name, "wasm");
    if (!product || wrapped.has(product.kernelFunc)) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
      const inputs = { ...(args.inputs as Record<string, tf.TensorInfo>) };
      const inner = (x: tf.TensorInfo, last: boolean) => x.shape[x.shape.length - (last ? 1 : 2)];
      // Untransposed, or shapes that do not match: the backend's own product (and its message).
      if (
        (!attrs.transposeA && !attrs.transposeB) ||
        inner(inputs.a, !attrs.transposeA) !== inner(inputs.b, attrs.transposeB)
      )
        return product.kernelFunc(args);
      const copies: tf.TensorInfo[] = [];
      const flip = (x: tf.TensorInfo): tf.TensorInfo => {
        const perm = x.shape.map((_, k) => k);
        perm.splice(-2, 2, perm.length - 1, perm.length - 2);
        const t = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } });
        copies.push(t as tf.TensorInfo);
        return t as tf.TensorInfo;
      };
      if (attrs.transposeA) inputs.a = flip(inputs.a);
      if (attrs.transposeB) inputs.b = flip(inputs.b);
      const out = product.kernelFunc({
        ...args,
        inputs,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      // A kernel's backend is typed `{}`; the wasm one is a tfjs KernelBackend.
      for (const c of copies) (args.backend as tf.KernelBackend).disposeData(c.dataId);
      return out;
    };
    wrapped.add(kernelFunc);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...product, kernelFunc });
  }
}

/** The kernel functions this module registered, so that a second call wraps nothing twice. */
const wrapped = new Set<tf.KernelFunc>();
