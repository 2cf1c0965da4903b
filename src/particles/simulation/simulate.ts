import { SeededRandom } from "../../random/seeded";
import { N_IN, N_OUT, N_PARTICLES, SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import { accelerations, type InteractionLaw } from "./interaction-law";

/** Settings of {@link simulateDataSet}; the defaults match the public data sets' format. */
export interface SimulationOptions {
  nTrain: number;
  nTest: number;
  /** Time between a sample's input and its target. */
  dt: number;
  /** RK4 substeps per `dt`: the ground truth's integrator. */
  substeps: number;
  /** Standard deviation of the Gaussian noise added to the observed targets. */
  noise: number;
  /** Standard deviations of the initial positions and velocities (per coordinate). */
  positionScale: number;
  velocityScale: number;
  seed: number;
}

/**
 * Defaults: 48,000 + 24,000 samples, a 0.5 step integrated in 50 RK4 substeps (against 200 substeps,
 * the largest position error on the stiffest law of the zoo is below a hundredth of the noise),
 * noise 0.01.
 */
export const DEFAULT_SIMULATION: SimulationOptions = {
  nTrain: 48000,
  nTest: 24000,
  dt: 0.5,
  substeps: 50,
  noise: 0.01,
  positionScale: 0.6,
  velocityScale: 0.35,
  seed: 1,
};

/** A simulated data set in the challenge's layout, plus the test targets it holds back. */
export interface SimulatedData {
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  /** Noisy targets of `testX`, held back from the challenge's files. */
  testY: Float32Array;
}

/**
 * Advances 4 particles by `dt` under `law` with `substeps` classical Runge-Kutta steps, in place.
 */
export function integrate(
  law: InteractionLaw,
  p: Float64Array,
  v: Float64Array,
  q: Float64Array,
  dt: number,
  substeps: number,
): void {
  const n = p.length;
  const h = dt / substeps;
  const { k, ps, vs } = rk4Scratch(n);
  for (let s = 0; s < substeps; s++) {
    for (let m = 0; m < 4; m++) {
      const { dp, dv } = k[m];
      if (m === 0) {
        // The state itself; + 0 as in the later stages' sums, so that a -0 becomes +0 alike.
        for (let c = 0; c < n; c++) {
          ps[c] = p[c] + 0;
          vs[c] = v[c] + 0;
        }
      } else {
        const step = STAGE[m] * h;
        const { dp: dpPrev, dv: dvPrev } = k[m - 1];
        for (let c = 0; c < n; c++) {
          ps[c] = p[c] + step * dpPrev[c];
          vs[c] = v[c] + step * dvPrev[c];
        }
      }
      dp.set(vs);
      accelerations(law, ps, vs, q, dv);
    }
    const [k0, k1, k2, k3] = k;
    for (let c = 0; c < n; c++) {
      p[c] += (h / 6) * (k0.dp[c] + 2 * k1.dp[c] + 2 * k2.dp[c] + k3.dp[c]);
      v[c] += (h / 6) * (k0.dv[c] + 2 * k1.dv[c] + 2 * k2.dv[c] + k3.dv[c]);
    }
  }
}

/** Where each of RK4's four stages evaluates, as a fraction of the substep. */
const STAGE = [0, 0.5, 0.5, 1];

/** RK4's stage derivatives and stage state, reused by every call for a system of `n` values. */
let scratch: { k: { dp: Float64Array; dv: Float64Array }[]; ps: Float64Array; vs: Float64Array };

function rk4Scratch(n: number): typeof scratch {
  if (scratch?.ps.length !== n)
    scratch = {
      k: Array.from({ length: 4 }, () => ({ dp: new Float64Array(n), dv: new Float64Array(n) })),
      ps: new Float64Array(n),
      vs: new Float64Array(n),
    };
  return scratch;
}

/**
 * Simulates a data set of `law`: each sample draws Gaussian positions and velocities and uniform
 * properties, integrates one step `dt` and observes the positions with Gaussian noise. Seeded: the
 * same options give the same arrays.
 *
 * @example
 * const data = simulateDataSet(LAW_ZOO[0], { nTrain: 1000, nTest: 100 });
 * data.trainX.length; // 1000 * 4 * 7
 */
export function simulateDataSet(
  law: InteractionLaw,
  options: Partial<SimulationOptions> = {},
): SimulatedData {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const rng = new SeededRandom(o.seed);
  const [qLo, qHi] = law.property;
  const make = (n: number): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(n * SAMPLE_IN);
    const y = new Float32Array(n * SAMPLE_OUT);
    const p = new Float64Array(3 * N_PARTICLES);
    const v = new Float64Array(3 * N_PARTICLES);
    const q = new Float64Array(N_PARTICLES);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < N_PARTICLES; i++) {
        for (let c = 0; c < 3; c++) {
          p[3 * i + c] = o.positionScale * rng.normal();
          v[3 * i + c] = o.velocityScale * rng.normal();
        }
        q[i] = qLo + (qHi - qLo) * rng.next();
        const at = s * SAMPLE_IN + i * N_IN;
        x.set(
          [p[3 * i], p[3 * i + 1], p[3 * i + 2], v[3 * i], v[3 * i + 1], v[3 * i + 2], q[i]],
          at,
        );
      }
      integrate(law, p, v, q, o.dt, o.substeps);
      for (let c = 0; c < N_PARTICLES * N_OUT; c++) {
        y[s * SAMPLE_OUT + c] = p[c] + o.noise * rng.normal();
      }
    }
    return { x, y };
  };
  const train = make(o.nTrain);
  const test = make(o.nTest);
  return { trainX: train.x, trainY: train.y, testX: test.x, testY: test.y };
}
