/** Beyond ±this, tanh is 1 to float32 precision. */
const TANH_CLAMP = 7.90531110763549805;
// The numerator's coefficients in x², highest power first, then the denominator's.
const P0 = -2.76076847742355e-16;
const P1 = 2.00018790482477e-13;
const P2 = -8.60467152213735e-11;
const P3 = 5.12229709037114e-8;
const P4 = 1.48572235717979e-5;
const P5 = 6.37261928875436e-4;
const P6 = 4.89352455891786e-3;
const Q0 = 1.19825839466702e-6;
const Q1 = 1.18534705686654e-4;
const Q2 = 2.268434632439e-3;
const Q3 = 4.89352518554385e-3;

/**
 * tanh to float32 accuracy (within 3e-7 of Math.tanh everywhere) as a rational function, Eigen's
 * `generic_fast_tanh_float`: cheaper than V8's Math.tanh, and the pair MLP calls it
 * for every hidden unit of every pair of every substep.
 */
export function tanh(x: number): number {
  const clamped = x > TANH_CLAMP ? TANH_CLAMP : x < -TANH_CLAMP ? -TANH_CLAMP : x;
  const x2 = clamped * clamped;
  let p = x2 * P0 + P1;
  p = x2 * p + P2;
  p = x2 * p + P3;
  p = x2 * p + P4;
  p = x2 * p + P5;
  p = x2 * p + P6;
  let q = x2 * Q0 + Q1;
  q = x2 * q + Q2;
  q = x2 * q + Q3;
  return (clamped * p) / q;
}

/**
 * JavaScript statements that set the variable `out` to {@link tanh} of the variable `x`, with
 * the same operations in the same order (so the same result to the last bit), for code written
 * out at run time (see KernelMlp): a call per hidden unit costs more than the arithmetic where
 * V8 does not inline it. The tests check it against {@link tanh}.
 *
 * @example
 * tanhSource("z3", "a3"); // "{ const tc = z3 > 7.905… ? … ; a3 = (tc * tp) / tq; }"
 */
export function tanhSource(x: string, out: string): string {
  const horner = (name: string, [first, second, ...rest]: number[]) =>
    [
      `let ${name} = tc2 * ${first} + ${second};`,
      ...rest.map((c) => `${name} = tc2 * ${name} + ${c};`),
    ].join(" ");
  return [
    `{ const tc = ${x} > ${TANH_CLAMP} ? ${TANH_CLAMP} : ${x} < -${TANH_CLAMP} ? -${TANH_CLAMP} : ${x};`,
    "const tc2 = tc * tc;",
    horner("tp", [P0, P1, P2, P3, P4, P5, P6]),
    horner("tq", [Q0, Q1, Q2, Q3]),
    `${out} = (tc * tp) / tq; }`,
  ].join(" ");
}
