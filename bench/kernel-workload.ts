/**
 * The particle kernel's passes over a batch of a public set with seeded weights, for timing:
 * `npm run bench:kernel` times them per design, and {@link kernelYardstick} gives other benchmarks
 * a measure of the machine's speed at the time they ran.
 */
import { readNpz } from "../src/io/npz";
import { particleDataFile } from "../src/io/project-paths";
import { median } from "../src/math/statistics";
import { SAMPLE_IN, SAMPLE_OUT } from "../src/particles/data/particle-data";
import { SUBSTEP_DESIGN } from "../src/particles/model/designs";
import type { InteractionKernel } from "../src/particles/model/interaction-kernel";
import {
  DEFAULT_SUBSTEPS,
  type InteractionConfig,
  kernelOf,
} from "../src/particles/model/interaction-layer";
import { SeededRandom } from "../src/random/seeded";
import { secondsOf } from "./timing";

/** A design's kernel, its weights, and its two passes over the batch (see {@link kernelWorkload}). */
export interface KernelWorkload {
  params: Float64Array[];
  /** The forward pass alone. */
  forward: () => void;
  /** The forward pass recording activations, then the backward pass. */
  both: () => void;
  /** {@link both} with the pair term's passes unrolled from the start (see PairTerm). */
  bothUnrolled: () => void;
  /** The pairs per call of the unrolled passes, forward and backward (1: they do not unroll). */
  pairsPerCall: { forward: number; backward: number };
}

/**
 * The first `batch` samples of public set 5bf4506e86, as the kernel reads them.
 *
 * @example
 * const x = kernelBatch(4096);
 */
export function kernelBatch(batch: number): Float32Array {
  const x = readNpz(particleDataFile("5bf4506e86")).train_x.data as Float32Array;
  return x.slice(0, batch * SAMPLE_IN);
}

/**
 * The kernel of `config` with equal substeps (so that every sample takes DEFAULT_SUBSTEPS
 * evaluations), weights drawn from `random` (0.2 times a standard normal) and an output adjoint
 * drawn after them, over the `batch` samples of `x`.
 *
 * @example
 * const { both } = kernelWorkload(SUBSTEP_DESIGN, kernelBatch(1024), 1024, new SeededRandom(7));
 */
export function kernelWorkload(
  config: InteractionConfig,
  x: Float32Array,
  batch: number,
  random: SeededRandom,
): KernelWorkload {
  // The kernel with its pair passes per pair, as pruning's short-lived networks run it, and one
  // whose passes unroll at its first evaluation, as a network that trains long runs them after
  // UNROLL_AFTER evaluations (see PairTerm).
  const equal = { ...config, stepControl: 0 };
  const kernel = kernelOf(equal, DEFAULT_SUBSTEPS, Infinity);
  const unrolled = kernelOf(equal, DEFAULT_SUBSTEPS, 1);
  const params = kernel
    .paramSizes()
    .map((n) => Float64Array.from({ length: n }, () => 0.2 * random.normal()));
  const dy = Float64Array.from({ length: batch * SAMPLE_OUT }, () => random.normal());
  const both = (k: InteractionKernel) => () =>
    void k.backward(x, batch, params, k.forward(x, batch, params, true), dy);
  // Its first evaluation unrolls it, so that pairsPerCall says how.
  unrolled.forward(x, 1, params, false);
  return {
    params,
    forward: () => void kernel.forward(x, batch, params, false),
    both: both(kernel),
    bothUnrolled: both(unrolled),
    pairsPerCall: unrolled.pairsPerCall,
  };
}

/** Samples in the yardstick's batch. */
const YARDSTICK_BATCH = 1024;
/** Timed passes of the yardstick, after one that is not timed; the median is reported. */
const YARDSTICK_RUNS = 9;

/**
 * µs per sample-evaluation of the substep design's forward + backward pass on this thread now
 * (as `npm run bench:kernel` measures it, on a smaller batch): a yardstick of the machine's
 * speed. This machine's speed drifts within the day, so a benchmark's wall time compares with
 * another run's only beside the yardstick measured with each.
 *
 * @example
 * const before = kernelYardstick(); // µs per sample-evaluation
 */
export function kernelYardstick(): number {
  const x = kernelBatch(YARDSTICK_BATCH);
  const { both } = kernelWorkload(SUBSTEP_DESIGN, x, YARDSTICK_BATCH, new SeededRandom(7));
  both();
  const times = Array.from({ length: YARDSTICK_RUNS }, () => secondsOf(both));
  return (median(times) * 1e6) / (YARDSTICK_BATCH * DEFAULT_SUBSTEPS);
}
