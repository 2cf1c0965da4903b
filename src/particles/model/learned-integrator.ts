import { stepControlFor, substepsLeft } from "./step-control";

/**
 * An acceleration field: the accelerations at positions `p` and velocities `w` into `acc`, for
 * the evaluation that follows substep `s` (particle · 3 + axis, 4 particles).
 */
export type Acceleration = (p: Float64Array, w: Float64Array, acc: Float64Array, s: number) => void;

/**
 * How long substep `s` lasts, given the time `left` in the step and the state at its start, and
 * whether it is the last.
 */
export type SubstepChoice = (
  s: number,
  left: number,
  p: Float64Array,
  a: Float64Array,
) => { dt: number; last: boolean };

/**
 * `n` equal substeps of a `step`.
 *
 * @example
 * integrateStep(state, 0.5, equalSubsteps(0.5, 6), force);
 */
export function equalSubsteps(step: number, n: number): SubstepChoice {
  return (s) => ({ dt: step / n, last: s + 1 === n });
}

/**
 * Step control η (see step-control.ts): at least `substeps` substeps of a `step`, shorter ones
 * where the accelerations change a pair's separation fast; equal ones when η is 0.
 *
 * @example
 * integrateStep(state, 0.5, controlledSubsteps(0.2, 6, 0.5), force);
 */
export function controlledSubsteps(eta: number, substeps: number, step: number): SubstepChoice {
  if (eta <= 0) return equalSubsteps(step, substeps);
  const control = stepControlFor(eta, substeps, step);
  return (s, left, p, a) => {
    const n = substepsLeft(control, p, a, left, s);
    return { dt: left / n, last: n === 1 };
  };
}

/** The state the integrator advances, and its scratch space; each 12 numbers. */
export interface IntegratorState {
  /** Positions, advanced in place. */
  p: Float64Array;
  /** Velocities, advanced in place. */
  v: Float64Array;
  /** The acceleration at (p, v) on entry; overwritten. */
  a: Float64Array;
  /** Scratch: the next acceleration. */
  next: Float64Array;
  /** Scratch: the velocity estimate the next acceleration is taken at. */
  w: Float64Array;
}

/**
 * The learned network's integrator over one observation `step`, taking the force as a function:
 * in each substep of length dt,
 *
 *     p' = p + v dt + a dt² / 2          (velocity Verlet)
 *     a' = F(p', v + a dt)               (the force at the new positions, Euler velocities)
 *     v' = v + (a + a') dt / 2           (Heun)
 *
 * with the substep lengths from `choose`. The last substep needs no new force. `onSubstep` sees
 * each substep's length. Returns the number of substeps. The interaction kernel integrates its
 * learned force with it, and the integration-error check a law's true force.
 *
 * @example
 * const n = integrateStep(state, 0.5, equalSubsteps(0.5, 6), (p, w, out) => trueForce(p, w, out));
 */
export function integrateStep(
  { p, v, a, next, w }: IntegratorState,
  step: number,
  choose: SubstepChoice,
  force: Acceleration,
  onSubstep?: (s: number, dt: number) => void,
): number {
  const n = p.length;
  let left = step;
  for (let s = 0; ; s++) {
    const { dt, last } = choose(s, left, p, a);
    onSubstep?.(s, dt);
    left -= dt;
    for (let k = 0; k < n; k++) p[k] += v[k] * dt + a[k] * 0.5 * dt * dt;
    if (last) return s + 1;
    for (let k = 0; k < n; k++) w[k] = v[k] + a[k] * dt;
    force(p, w, next, s);
    for (let k = 0; k < n; k++) {
      v[k] += (a[k] + next[k]) * 0.5 * dt;
      a[k] = next[k];
    }
  }
}
