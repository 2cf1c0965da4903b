import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The two matrix-product kernels whose inputs may come transposed. */
const MAT_MUL_KERNELS = [tf.BatchMatMul, tf._FusedMatMul];

/**
 * Makes the wasm backend's matrix products transpose a transposed input first, then multiply.
 *
 * The backend multiplies untransposed matrices with XNNPACK's SIMD kernels but falls back to a
 * plain loop when an input is transposed, and every dense layer's backward pass multiplies by a
 * transposed input (the weights' gradient `xᵀ · dy`, the input's `dy · Wᵀ`). The transpose is a
 * copy in JavaScript on the backend's memory (see swapLastAxes); where `dy` is thinner than `x`,
 * `(dyᵀ · x)ᵀ` copies fewer numbers than `xᵀ · dy` and is taken instead. The products are
 * XNNPACK's, so their sums are taken in its order, not the loop's: results can differ in the last
 * bits. Kernels of other backends are left alone. Idempotent; call after the wasm backend is
 * registered.
 *
 * @example
 * await tf.setBackend("wasm");
 * useTransposingMatMul();
 * tf.matMul(a, dy, true, false); // aᵀ copied, then XNNPACK's product
 */
export function useTransposingMatMul(): void {
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
      const backend = args.backend as BackendWasm;
      const untransposed = { ...attrs, transposeA: false, transposeB: false };
      // aᵀ · b for a of (k, m) and b of (k, n) with n small (a gradient of a layer of one or a few
      // units): (bᵀ · a)ᵀ copies k·n + n·m numbers instead of k·m. Not for a fused product, whose
      // bias runs along the output's last axis.
      const [k, m] = inputs.a.shape.slice(-2);
      const n = inputs.b.shape[inputs.b.shape.length - 1];
      if (name === tf.BatchMatMul && attrs.transposeA && !attrs.transposeB && n * (k + m) < k * m) {
        const bt = swapLastAxes(inputs.b, backend);
        try {
          const ba = product.kernelFunc({
            ...args,
            inputs: { a: bt, b: inputs.a },
            attrs: untransposed,
          }) as tf.TensorInfo;
          const out = swapLastAxes(ba, backend);
          backend.disposeData(ba.dataId);
          return out;
        } finally {
          backend.disposeData(bt.dataId);
        }
      }
      const copies: tf.TensorInfo[] = [];
      try {
        if (attrs.transposeA) copies.push((inputs.a = swapLastAxes(inputs.a, backend)));
        if (attrs.transposeB) copies.push((inputs.b = swapLastAxes(inputs.b, backend)));
        return product.kernelFunc({ ...args, inputs, attrs: untransposed });
      } finally {
        // Copies are freed even when the product throws (an input that is not float32).
        for (const c of copies) backend.disposeData(c.dataId);
      }
    };
    wrapped.add(kernelFunc);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...product, kernelFunc });
  }
}

/** The kernel functions this module registered, so that a second call wraps nothing twice. */
const wrapped = new Set<tf.KernelFunc>();

/**
 * A float32 tensor of the wasm backend with its last two axes swapped, copied in JavaScript on the
 * backend's memory: the backend's own Transpose kernel is a general n-axis loop that takes many
 * times as long on the tall matrices of a batch's activations.
 */
function swapLastAxes(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  const [rows, cols] = x.shape.slice(-2);
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], x.dtype);
  // Views taken after makeOutput, which may grow (and so replace) the backend's memory.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  for (let at = 0; at < from.length; at += rows * cols)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) to[at + j * rows + i] = from[at + i * cols + j];
  return out;
}
