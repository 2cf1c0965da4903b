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
  const k = Array.from({ length: 4 }, () => ({ dp: new Float64Array(n), dv: new Float64Array(n) }));
  const ps = new Float64Array(n);
  const vs = new Float64Array(n);
  const stage = [0, 0.5, 0.5, 1];
  for (let s = 0; s < substeps; s++) {
    for (let m = 0; m < 4; m++) {
      for (let c = 0; c < n; c++) {
        ps[c] = p[c] + (m ? stage[m] * h * k[m - 1].dp[c] : 0);
        vs[c] = v[c] + (m ? stage[m] * h * k[m - 1].dv[c] : 0);
      }
      k[m].dp.set(vs);
      accelerations(law, ps, vs, q, k[m].dv);
    }
    for (let c = 0; c < n; c++) {
      p[c] += (h / 6) * (k[0].dp[c] + 2 * k[1].dp[c] + 2 * k[2].dp[c] + k[3].dp[c]);
      v[c] += (h / 6) * (k[0].dv[c] + 2 * k[1].dv[c] + 2 * k[2].dv[c] + k[3].dv[c]);
    }
  }
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
