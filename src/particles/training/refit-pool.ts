import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import type { RefitReply, RefitRequest, RefitSetup } from "./refit-worker";
import { type Samples, sharedSamples } from "./train";

/**
 * Refits of several networks at once (see refitOnKernel), in worker threads over the cores:
 * pruning refits the network it has and its best removals alike at every step where it needs a
 * refit, and the refits are independent of each other. A refit is deterministic, so the networks
 * that come back are the ones a refit in this thread gives, to the last bit. With one thread it
 * refits here, one network after the other, and starts no worker. {@link close} stops the workers.
 *
 * @example
 * const pool = new RefitPool(train, { steps: 150, batchSize: 128, learningRate: 0.01, seed: 0, clipGradients: 10 }, 2);
 * try {
 *   const [bar, smaller] = await pool.refitAll([net, removePart(net, "hidden 3")]);
 * } finally {
 *   await pool.close();
 * }
 */
export class RefitPool {
  private readonly workers: Worker[] = [];
  private readonly samples: Samples;

  constructor(
    samples: Samples,
    private readonly options: RefitOptions,
    private readonly threads: number,
  ) {
    this.samples = threads > 1 ? sharedSamples(samples) : samples;
  }

  /** The refit of each network, in the order given. */
  async refitAll(nets: SizedNetwork[]): Promise<SizedNetwork[]> {
    if (this.threads <= 1 || nets.length <= 1)
      return nets.map((net) => refitOnKernel(net, this.samples, this.options));
    while (this.workers.length < Math.min(this.threads, nets.length))
      this.workers.push(this.start());
    const results: SizedNetwork[] = new Array(nets.length);
    let next = 0;
    const drain = async (w: Worker): Promise<void> => {
      while (next < nets.length) {
        const id = next++;
        results[id] = await ask(w, { id, net: nets[id] });
      }
    };
    await Promise.all(this.workers.slice(0, nets.length).map(drain));
    return results;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private start(): Worker {
    const w = startTypeScriptWorker(join(__dirname, "refit-worker.ts"));
    w.postMessage({ samples: this.samples, options: this.options } satisfies RefitSetup);
    return w;
  }
}

/** Sends one network to a worker and resolves with its refit, or rejects with its error. */
function ask(w: Worker, request: RefitRequest): Promise<SizedNetwork> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      cleanUp();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanUp();
      reject(new Error(`a refit worker stopped (exit code ${code})`));
    };
    const onMessage = (reply: RefitReply): void => {
      if (reply.id !== request.id) return;
      cleanUp();
      if (reply.error !== undefined || !reply.net)
        reject(new Error(`refit failed: ${reply.error ?? "no network came back"}`));
      else resolve(reply.net);
    };
    const cleanUp = (): void => {
      w.off("error", onError);
      w.off("exit", onExit);
      w.off("message", onMessage);
    };
    w.on("error", onError);
    w.on("exit", onExit);
    w.on("message", onMessage);
    w.postMessage(request);
  });
}
