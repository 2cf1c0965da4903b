import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import { networkScore } from "./prune";
import type { RefitReply, RefitRequest, RefitSetup } from "./refit-worker";
import { type Samples, sharedSamples } from "./train";

/**
 * Pruning's work on several networks at once, in worker threads over the cores: the refits of the
 * network it has and its best removals (see refitOnKernel), and the scores of its candidate
 * removals on the judging samples (see networkScore); each network's is independent of the
 * others'. Both are deterministic, so what comes back is what this thread computes, to the last
 * bit. With one thread it works here, one network after the other, and starts no worker.
 * {@link close} stops the workers.
 *
 * @example
 * const pool = new RefitPool(train, { steps: 150, batchSize: 128, learningRate: 0.01, seed: 0, clipGradients: 10 }, 2, judge);
 * try {
 *   const [bar, smaller] = await pool.refitAll([net, removePart(net, "hidden 3")]);
 *   const scores = await pool.scoreAll([removePart(net, "input qi")]);
 * } finally {
 *   await pool.close();
 * }
 */
export class RefitPool {
  private readonly workers: Worker[] = [];
  private readonly samples: Samples;
  private readonly judge: Samples | null;

  /** Refits train on `samples` with `options`; scores are taken on `judge`. */
  constructor(
    samples: Samples,
    private readonly options: RefitOptions,
    private readonly threads: number,
    judge?: Samples,
  ) {
    this.samples = threads > 1 ? sharedSamples(samples) : samples;
    this.judge = judge ? (threads > 1 ? sharedSamples(judge) : judge) : null;
  }

  /** The refit of each network, in the order given. */
  refitAll(nets: SizedNetwork[]): Promise<SizedNetwork[]> {
    return this.run(nets, "refit", (net) => refitOnKernel(net, this.samples, this.options));
  }

  /** The validation MSE and score of each network on the judging samples, in the order given. */
  scoreAll(nets: SizedNetwork[]): Promise<{ mse: number; score: number }[]> {
    const judge = this.judge;
    if (!judge) return Promise.reject(new Error("this pool was given no samples to judge on"));
    return this.run(nets, "score", (net) => networkScore(net, judge));
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private async run<T>(
    nets: SizedNetwork[],
    task: RefitRequest["task"],
    here: (net: SizedNetwork) => T,
  ): Promise<T[]> {
    if (this.threads <= 1 || nets.length <= 1) return nets.map(here);
    while (this.workers.length < Math.min(this.threads, nets.length))
      this.workers.push(this.start());
    const results: T[] = new Array(nets.length);
    let next = 0;
    const drain = async (w: Worker): Promise<void> => {
      while (next < nets.length) {
        const id = next++;
        const reply = await ask(w, { id, task, net: nets[id] });
        results[id] = (task === "refit" ? reply.net : reply.score) as T;
      }
    };
    await Promise.all(this.workers.slice(0, nets.length).map(drain));
    return results;
  }

  private start(): Worker {
    const w = startTypeScriptWorker(join(__dirname, "refit-worker.ts"));
    w.postMessage({
      samples: this.samples,
      options: this.options,
      judge: this.judge,
    } satisfies RefitSetup);
    return w;
  }
}

/** Sends one network to a worker and resolves with its reply, or rejects with its error. */
function ask(w: Worker, request: RefitRequest): Promise<RefitReply> {
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
      if (reply.error !== undefined || (!reply.net && !reply.score))
        reject(new Error(`${request.task} failed: ${reply.error ?? "nothing came back"}`));
      else resolve(reply);
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
