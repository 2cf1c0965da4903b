/**
 * The worker thread of `npm run bench:kernel`'s new-shape measurement. In a fresh thread V8 has
 * compiled none of the kernel's code, as for each network shape pruning tries: it times a design's
 * kernel from its making through `steps` forward + backward passes of `batch` samples (one of
 * pruning's refits), then the same steps again on the kernel now warm, and posts both times.
 */
import { parentPort } from "node:worker_threads";

import type { InteractionConfig } from "../src/particles/model/interaction-layer";
import { SeededRandom } from "../src/random/seeded";
import { kernelBatch, kernelWorkload } from "./kernel-workload";

/** What the bench asks of the worker. */
export interface ColdRequest {
  config: InteractionConfig;
  batch: number;
  steps: number;
}

/** What the worker answers: seconds for the steps on a new kernel, then on the same kernel warm. */
export interface ColdTimes {
  cold: number;
  warm: number;
}

parentPort?.once("message", ({ config, batch, steps }: ColdRequest) => {
  const x = kernelBatch(batch);
  const start = performance.now();
  const { both } = kernelWorkload(config, x, batch, new SeededRandom(7));
  for (let s = 0; s < steps; s++) both();
  const warmStart = performance.now();
  for (let s = 0; s < steps; s++) both();
  const end = performance.now();
  const times: ColdTimes = { cold: (warmStart - start) / 1e3, warm: (end - warmStart) / 1e3 };
  parentPort?.postMessage(times);
});
