import { N_PARTICLES } from "../data/particle-data";

/**
 * Step control of the interaction network's integrator (see InteractionKernel): within one
 * observation step, a substep is at most `longest` and at most `η √(d / |aⱼ − aᵢ|)` over every
 * pair of particles d apart whose accelerations are aᵢ and aⱼ, the time the pair takes to change
 * its separation by about η² of itself under that relative acceleration; never shorter than
 * `shortest`, and a sample takes at most `maxSteps` substeps in all.
 */
export interface StepControl {
  /** η, the fraction of a pair's own time scale a substep may last. */
  eta: number;
  /** η⁴, which substepsLeft compares with at every substep. */
  eta4: number;
  /** The longest substep (the observation step over the fewest substeps). */
  longest: number;
  /** The shortest substep (the observation step over `maxSteps`). */
  shortest: number;
  /** The most substeps a sample may take. */
  maxSteps: number;
}

const N = N_PARTICLES;

/** How many times shorter than `step / substeps` a controlled substep may get. */
export const MAX_REFINEMENT = 8;

/**
 * The bounds of step control η over an observation step of `step` in at least `substeps`
 * substeps: substeps at most `step / substeps` long, at least `step / (substeps ·
 * MAX_REFINEMENT)`, at most `substeps · MAX_REFINEMENT` of them. With η = 0 (no control), exactly
 * `substeps`.
 *
 * @example
 * const control = stepControlFor(0.2, 6, 0.5); // substeps from 0.5 / 48 to 0.5 / 6
 */
export function stepControlFor(eta: number, substeps: number, step: number): StepControl {
  const maxSteps = eta > 0 ? substeps * MAX_REFINEMENT : substeps;
  return { eta, eta4: eta ** 4, longest: step / substeps, shortest: step / maxSteps, maxSteps };
}

/**
 * How many equal substeps the rest `left` of the observation step takes, at positions `p` with
 * accelerations `a` (particle · 3 + axis) after `taken` substeps: the fewest that keep each
 * within {@link StepControl}'s bounds, and never more than `maxSteps - taken`. The next substep is
 * `left` divided by it; 1 means it is the last.
 *
 * @example
 * const parts = substepsLeft(stepControlFor(0.2, 6, 0.5), p, a, 0.5, 0); // 6 to 48
 */
export function substepsLeft(
  control: StepControl,
  p: ArrayLike<number>,
  a: ArrayLike<number>,
  left: number,
  taken: number,
): number {
  // The shortest η⁴ d² / |Δa|² over the pairs, so that one root is taken, not six.
  const eta4 = control.eta4;
  let shortest = Infinity;
  for (let i = 0; i < N; i++)
    for (let j = i + 1; j < N; j++) {
      let dd = 0;
      let aa = 0;
      for (let c = 0; c < 3; c++) {
        dd += (p[j * 3 + c] - p[i * 3 + c]) ** 2;
        aa += (a[j * 3 + c] - a[i * 3 + c]) ** 2;
      }
      if (aa > 0 && (eta4 * dd) / aa < shortest) shortest = (eta4 * dd) / aa;
    }
  const length = Math.min(
    control.longest,
    Math.max(control.shortest, Math.sqrt(Math.sqrt(shortest))),
  );
  // 1e-9: a rest that is a whole number of substeps up to rounding is not one more.
  return Math.max(1, Math.min(Math.ceil(left / length - 1e-9), control.maxSteps - taken));
}
