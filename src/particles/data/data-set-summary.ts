import { formatNumber } from "../../plotting/number-format";
import { freeFlightResidual } from "./free-flight";
import { N_IN, N_OUT, N_PARTICLES, type ParticleData } from "./particle-data";

/**
 * One data set as a table row: its arrays' shapes and how far the forces move its particles in a
 * step (the free-flight residual, see freeFlightResidual).
 *
 * @example
 * showTable(files.map((h) => dataSetSummary(h, loadParticles(particleDataFile(h)))));
 */
export function dataSetSummary(name: string, data: ParticleData): Record<string, string | number> {
  const shape = (n: number, w: number): string => `(${formatNumber(n)}, ${N_PARTICLES}, ${w})`;
  return {
    data: name,
    "train x → y": `${shape(data.nTrain, N_IN)} → ${shape(data.nTrain, N_OUT)}`,
    test: shape(data.nTest, N_IN),
    "free-flight residual": freeFlightResidual(data.trainX, data.trainY),
  };
}
