import { N_IN, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import { controlledSubsteps, integrateStep } from "../model/learned-integrator";
import { accelerations, type InteractionLaw } from "../simulation/interaction-law";

/** What {@link integrationError} measures. */
export interface IntegrationError {
  /** MSE of the integrated positions against the data's (noisy) targets. */
  mse: number;
  /** Acceleration evaluations per sample. */
  evaluations: number;
}

/**
 * How well the interaction network's integrator (integrateStep, the same function the kernel
 * integrates with) follows `law` when it is given the law's true accelerations: the MSE of its
 * positions one `step` later against the targets of `n` samples of a simulated data set, and the
 * evaluations it spent. This is the floor the learned network cannot beat with the same
 * substeps, whatever its pair function. With `stepControl` η > 0, at least `substeps` substeps,
 * more where the accelerations ask (as the network's step control does); else equal ones.
 *
 * @example
 * const data = simulateDataSet(law, { nTrain: 2000, nTest: 1 });
 * integrationError(law, data.trainX, data.trainY, 2000, { substeps: 6, stepControl: 0.2 });
 */
export function integrationError(
  law: InteractionLaw,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  {
    substeps,
    stepControl = 0,
    step = 0.5,
  }: { substeps: number; stepControl?: number; step?: number },
): IntegrationError {
  const S = N_PARTICLES * 3;
  const [p, v, a, next, w] = [S, S, S, S, S].map((k) => new Float64Array(k));
  const q = new Float64Array(N_PARTICLES);
  const choose = controlledSubsteps(stepControl, substeps, step);
  const force = (pos: Float64Array, vel: Float64Array, acc: Float64Array): void =>
    accelerations(law, pos, vel, q, acc);
  let squares = 0;
  let evaluations = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < N_PARTICLES; i++) {
      const o = b * SAMPLE_IN + i * N_IN;
      for (let c = 0; c < 3; c++) {
        p[i * 3 + c] = x[o + c];
        v[i * 3 + c] = x[o + 3 + c];
      }
      q[i] = x[o + 6];
    }
    force(p, v, a);
    // One evaluation at the start, then one after every substep but the last.
    evaluations += integrateStep({ p, v, a, next, w }, step, choose, force);
    for (let k = 0; k < SAMPLE_OUT; k++) squares += (p[k] - y[b * SAMPLE_OUT + k]) ** 2;
  }
  return { mse: squares / (n * SAMPLE_OUT), evaluations: evaluations / n };
}
