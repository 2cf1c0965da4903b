/**
 * `npm run bench:integration`: how close the interaction network's integrator comes to the
 * observation noise when it is given each law's true accelerations (integrationError), with equal
 * substeps and with step control, on the first `--samples` training samples of the zoo's sets
 * (simulated and cached in .cache/zoo/ when missing). Prints, per law and integration, the
 * evaluations a sample, the MSE and how far it stays above the noise floor 1e-4. No training: it
 * is the floor the network cannot beat with the same substeps.
 */
import { loadParticles } from "../src/particles/data/particle-data";
import { integrationError } from "../src/particles/experiments/integration-error";
import { SUBSTEP_DESIGN } from "../src/particles/model/designs";
import { DEFAULT_SUBSTEPS } from "../src/particles/model/interaction-layer";
import { LAW_ZOO } from "../src/particles/simulation/law-zoo";
import { zooDataFile } from "../src/particles/simulation/zoo-files";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";

const USAGE = `usage: npm run bench:integration -- [options]
  --laws LIST     zoo laws (default yukawa,strong-gravity, the two hardest)
  --samples N     training samples a law (default 6000)
  --help          this text`;

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      laws: { type: "string", default: "yukawa,strong-gravity" },
      samples: { type: "string", default: "6000" },
    },
  });
  if (!args) return 0;
  const n = Number(args.values.samples);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--samples must be a positive integer\n${USAGE}`);
  const eta = SUBSTEP_DESIGN.stepControl ?? 0.2;
  const runs = [
    ...[6, 12, 24, 48].map((substeps) => ({ name: `${substeps} equal substeps`, substeps })),
    ...[0.3, eta, 0.1].map((stepControl) => ({
      name: `step control η = ${stepControl}`,
      substeps: DEFAULT_SUBSTEPS,
      stepControl,
    })),
  ];
  console.log("law             integration               evaluations  MSE        above noise");
  for (const name of args.values.laws.split(",")) {
    const law = LAW_ZOO.find((l) => l.name === name);
    if (!law) throw new Error(`--laws: unknown law ${JSON.stringify(name)}\n${USAGE}`);
    const data = loadParticles(zooDataFile(law));
    const count = Math.min(n, data.nTrain);
    for (const run of runs) {
      const { mse, evaluations } = integrationError(law, data.trainX, data.trainY, count, run);
      const above = `${(((mse - 1e-4) / 1e-4) * 100).toFixed(1)}%`;
      console.log(
        `${name.padEnd(15)} ${run.name.padEnd(25)} ${evaluations.toFixed(1).padStart(11)}  ${mse.toExponential(3)}  ${above.padStart(11)}`,
      );
    }
  }
  return 0;
}

runMain(module, main, "[bench:integration] ");
