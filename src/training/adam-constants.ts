/**
 * Adam's constants, as tfjs's `tf.train.adam` uses them (its ε is the float32 backends'
 * `epsilon()`): the main training's optimizer (ScheduledAdam) and the hand-written ones beside it,
 * pruning's refits (refitOnKernel) and the row-sparse tables (RowSparseAdam), share them.
 *
 * @example
 * const m = ADAM_BETA1 * m0 + (1 - ADAM_BETA1) * g;
 */
export const ADAM_BETA1 = 0.9;
/** Adam's β₂ (see {@link ADAM_BETA1}). */
export const ADAM_BETA2 = 0.999;
/** Adam's ε (see {@link ADAM_BETA1}). */
export const ADAM_EPSILON = 1e-7;
