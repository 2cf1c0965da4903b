import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

import { importClosure } from "../../io/import-closure";
import { writeNpz } from "../../io/npz";
import { CACHE_DIR, PROJECT_ROOT } from "../../io/project-paths";
import { N_IN, N_OUT, N_PARTICLES } from "../data/particle-data";
import type { InteractionLaw } from "./interaction-law";
import { DEFAULT_SIMULATION, simulateDataSet, type SimulationOptions } from "./simulate";

/** Where simulated data sets are kept (gitignored): one `.npz` per law and settings. */
export const ZOO_CACHE_DIR = join(CACHE_DIR, "zoo");

/**
 * A digest of every source file the simulation runs (the simulator, the zoo's laws and all they
 * import, the random source and the data layout among them), so that a cached set never outlives
 * its code.
 */
function simulatorDigest(): string {
  const hash = createHash("sha256");
  const files = importClosure([join(__dirname, "simulate.ts"), join(__dirname, "law-zoo.ts")]);
  for (const f of files)
    hash.update(relative(PROJECT_ROOT, f)).update("\0").update(readFileSync(f));
  return hash.digest("hex").slice(0, 12);
}

/**
 * The path of `law`'s simulated data set in the challenge's format (`train_x`, `train_y`, `test_x`,
 * plus the held-back `test_y`), simulating and writing it first when no copy made by the same code
 * and settings exists.
 *
 * @example
 * const file = zooDataFile(LAW_ZOO[0]); // .cache/zoo/inverse-distance-<key>.npz
 */
export function zooDataFile(law: InteractionLaw, options: Partial<SimulationOptions> = {}): string {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const key = createHash("sha256")
    .update(JSON.stringify({ law: law.name, o, code: simulatorDigest() }))
    .digest("hex")
    .slice(0, 10);
  const file = join(ZOO_CACHE_DIR, `${law.name}-${key}.npz`);
  if (existsSync(file)) return file;
  const d = simulateDataSet(law, o);
  const shape = (n: number, w: number): number[] => [n, N_PARTICLES, w];
  writeNpz(file, {
    train_x: { data: d.trainX, shape: shape(o.nTrain, N_IN), dtype: "f4" },
    train_y: { data: d.trainY, shape: shape(o.nTrain, N_OUT), dtype: "f4" },
    test_x: { data: d.testX, shape: shape(o.nTest, N_IN), dtype: "f4" },
    test_y: { data: d.testY, shape: shape(o.nTest, N_OUT), dtype: "f4" },
  });
  return file;
}
