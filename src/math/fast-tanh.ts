/**
 * tanh to float32 accuracy (within 3e-7 of Math.tanh everywhere) as a rational function, Eigen's
 * `generic_fast_tanh_float`: cheaper than V8's Math.tanh, and the pair MLP calls it
 * for every hidden unit of every pair of every substep.
 */
export function tanh(x: number): number {
  const clamped = x > TANH_CLAMP ? TANH_CLAMP : x < -TANH_CLAMP ? -TANH_CLAMP : x;
  const x2 = clamped * clamped;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return (clamped * p) / q;
}
/** Beyond ±this, tanh is 1 to float32 precision. */
const TANH_CLAMP = 7.90531110763549805;
