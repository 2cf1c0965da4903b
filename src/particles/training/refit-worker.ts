/**
 * The refit handler of a worker thread of {@link RefitPool} (see refit-pool.ts): refits the
 * networks it is sent on the samples and settings of the pool's setup message and scores them on
 * its judging samples, or scores networks as they are. A worker started from this file serves
 * only pruning; the replica worker (replica-worker.ts) loads it too, so that the threads a sized
 * training already has serve its pruning between trainings. Not an entry point of its own.
 */
import { parentPort } from "node:worker_threads";

import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import { networkScore } from "./prune";
import type { Samples } from "./train";

/**
 * A pool's first message to a worker: the samples every refit trains on, its settings, and the
 * judging samples. A later pool's setup replaces it.
 */
export interface RefitSetup {
  kind: "refit-setup";
  samples: Samples;
  options: RefitOptions;
  judge: Samples;
}

/** A network to refit and score, or to score as it is, on the judging samples (see networkScore). */
export interface RefitRequest {
  id: number;
  task: "refit" | "score";
  net: SizedNetwork;
}

/** What the worker answers a {@link RefitRequest}: the refit network (for a refit), its score, or the error. */
export interface RefitReply {
  id: number;
  net?: SizedNetwork;
  score?: { mse: number; score: number };
  error?: string;
}

let setup: RefitSetup | null = null;
parentPort?.on("message", (m: RefitSetup | RefitRequest | { kind?: string }) => {
  if ("kind" in m && m.kind === "refit-setup") {
    setup = m as RefitSetup;
    return;
  }
  if (!("task" in m)) return; // another handler's message (a replica's job)
  try {
    if (!setup) throw new Error("a refit worker was sent a network before its samples");
    if (m.task === "score") {
      const score = networkScore(m.net, setup.judge);
      parentPort!.postMessage({ id: m.id, score } satisfies RefitReply);
      return;
    }
    const net = refitOnKernel(m.net, setup.samples, setup.options);
    const score = networkScore(net, setup.judge);
    parentPort!.postMessage({ id: m.id, net, score } satisfies RefitReply);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message } satisfies RefitReply);
  }
});
