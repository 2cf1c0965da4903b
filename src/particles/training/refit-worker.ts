/**
 * The worker thread of {@link RefitPool} (see refit-pool.ts): refits the networks it is sent on
 * the samples and settings of its first message. Not an entry point of its own.
 */
import { parentPort } from "node:worker_threads";

import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import type { Samples } from "./train";

/** The first message: the samples every refit trains on, and its settings. */
export interface RefitSetup {
  samples: Samples;
  options: RefitOptions;
}

/** A network to refit, and the refit network (or the error) it is answered with. */
export interface RefitRequest {
  id: number;
  net: SizedNetwork;
}

/** What the worker answers a {@link RefitRequest}. */
export interface RefitReply {
  id: number;
  net?: SizedNetwork;
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
    const net = refitOnKernel(m.net, setup.samples, setup.options);
    parentPort!.postMessage({ id: m.id, net } satisfies RefitReply);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message } satisfies RefitReply);
  }
});
