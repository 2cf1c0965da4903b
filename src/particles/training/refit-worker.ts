/**
 * The worker thread of {@link RefitPool} (see refit-pool.ts): refits the networks it is sent on
 * the samples and settings of its first message, or scores them on its judging samples. Not an
 * entry point of its own.
 */
import { parentPort } from "node:worker_threads";

import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import { networkScore } from "./prune";
import type { Samples } from "./train";

/** The first message: the samples every refit trains on, its settings, and the judging samples. */
export interface RefitSetup {
  samples: Samples;
  options: RefitOptions;
  judge: Samples | null;
}

/** A network to refit, or to score on the judging samples (see networkScore). */
export interface RefitRequest {
  id: number;
  task: "refit" | "score";
  net: SizedNetwork;
}

/** What the worker answers a {@link RefitRequest}: the refit network, or the score, or the error. */
export interface RefitReply {
  id: number;
  net?: SizedNetwork;
  score?: { mse: number; score: number };
  error?: string;
}

let setup: RefitSetup | null = null;
parentPort?.on("message", (m: RefitSetup | RefitRequest) => {
  if (!("id" in m)) {
    setup = m;
    return;
  }
  try {
    if (!setup) throw new Error("a refit worker was sent a network before its samples");
    if (m.task === "score") {
      if (!setup.judge)
        throw new Error("a refit worker was asked for a score without samples to judge on");
      const score = networkScore(m.net, setup.judge);
      parentPort!.postMessage({ id: m.id, score } satisfies RefitReply);
      return;
    }
    const net = refitOnKernel(m.net, setup.samples, setup.options);
    parentPort!.postMessage({ id: m.id, net } satisfies RefitReply);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message } satisfies RefitReply);
  }
});
