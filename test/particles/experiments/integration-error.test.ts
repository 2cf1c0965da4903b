import assert from "node:assert/strict";
import { test } from "node:test";

import { integrationError } from "../../../src/particles/experiments/integration-error";
import { LAW_ZOO } from "../../../src/particles/simulation/law-zoo";
import { simulateDataSet } from "../../../src/particles/simulation/simulate";

const n = 400;
/** The integrator's error on n simulated samples of the zoo's law `name`. */
const checker = (name: string) => {
  const law = LAW_ZOO.find((l) => l.name === name)!;
  const data = simulateDataSet(law, { nTrain: n, nTest: 1, seed: 3 });
  return (options: { substeps: number; stepControl?: number }) =>
    integrationError(law, data.trainX, data.trainY, n, options);
};

test("with the true accelerations, equal substeps converge to the observation noise", () => {
  const check = checker("strong-gravity");
  const errors = [4, 8, 16, 64].map((substeps) => check({ substeps }));
  errors.forEach((e, k) => k > 0 && assert.ok(e.mse < errors[k - 1].mse, `${k}: ${e.mse}`));
  // The targets carry noise of standard deviation 0.01: an MSE of about 1e-4 is exact.
  assert.ok(Math.abs(errors[3].mse - 1e-4) < 0.1e-4, `64 substeps: ${errors[3].mse}`);
  assert.deepEqual(
    errors.map((e) => e.evaluations),
    [4, 8, 16, 64],
  );
});

test("step control reaches the noise floor with fewer evaluations than equal substeps", () => {
  // Close encounters between opposite charges: rare, brief and strong.
  const check = checker("yukawa");
  const controlled = check({ substeps: 6, stepControl: 0.2 });
  const equal = check({ substeps: Math.ceil(controlled.evaluations) });
  // The error left by the integrator: above what 256 substeps leave (the noise, in effect).
  const exact = check({ substeps: 256 }).mse;
  assert.ok(controlled.evaluations > 6, `evaluations ${controlled.evaluations}`);
  assert.ok(
    equal.mse - exact > 20 * (controlled.mse - exact),
    `above the exact integration: equal substeps ${equal.mse - exact}, controlled ${controlled.mse - exact}`,
  );
});
