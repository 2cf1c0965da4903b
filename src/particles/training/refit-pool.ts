import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import { askWorker } from "../../runtime/worker-request";
import type { SizedNetwork } from "../model/network-surgery";
import { refitOnKernel, type RefitOptions } from "./kernel-refit";
import { networkScore, type RefitResult } from "./prune";
import type { RefitReply, RefitRequest, RefitSetup } from "./refit-worker";
import { type Samples, sharedSamples } from "./train";

/**
 * Pruning's work on several networks at once, in worker threads over the cores: the refits of the
 * network it has and its best removals (see refitOnKernel), each scored on the judging samples
 * where it was refit, and the scores of its candidate removals (see networkScore); each network's
 * is independent of the others'. Both are deterministic, so what comes back is what this thread
 * computes, to the last bit. With one thread it works here, one network after the other, and
 * starts no worker. It may borrow threads that are already up (a sized training's replicas, whose
 * worker also serves refits, see replica-worker.ts), one pool at a time, and starts its own for
 * the rest; {@link close} stops its own.
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
  /** The threads this pool works on: the borrowed ones first, then its own. */
  private readonly workers: Worker[] = [];
  private readonly own = new Set<Worker>();
  private readonly samples: Samples;
  private readonly judge: Samples;

  /**
   * Refits train on `samples` with `options`; scores are taken on `judge`. `borrowed`: threads
   * running the refit handler (see refit-worker.ts) that this pool may use and does not stop.
   */
  constructor(
    samples: Samples,
    private readonly options: RefitOptions,
    private readonly threads: number,
    judge: Samples,
    private readonly borrowed: readonly Worker[] = [],
  ) {
    this.samples = threads > 1 ? sharedSamples(samples) : samples;
    this.judge = threads > 1 ? sharedSamples(judge) : judge;
  }

  /** The refit of each network, in the order given, with its score on the judging samples. */
  async refitAll(nets: SizedNetwork[]): Promise<RefitResult[]> {
    const replies = await this.run(nets, "refit", (net) => {
      const refit = refitOnKernel(net, this.samples, this.options);
      return { net: refit, score: networkScore(refit, this.judge) };
    });
    return replies.map(({ net, score }) => ({ net: net!, ...score! }));
  }

  /** The validation MSE and score of each network on the judging samples, in the order given. */
  async scoreAll(nets: SizedNetwork[]): Promise<{ mse: number; score: number }[]> {
    const replies = await this.run(nets, "score", (net) => ({
      score: networkScore(net, this.judge),
    }));
    return replies.map((r) => r.score!);
  }

  /** Stops the threads this pool started; borrowed ones stay up. */
  async close(): Promise<void> {
    const own = this.workers.splice(0).filter((w) => this.own.has(w));
    this.own.clear();
    await Promise.all(own.map((w) => w.terminate()));
  }

  private async run(
    nets: SizedNetwork[],
    task: RefitRequest["task"],
    here: (net: SizedNetwork) => Omit<RefitReply, "id">,
  ): Promise<Omit<RefitReply, "id">[]> {
    // One network goes to a thread that is up (a warm one, where this thread may run its shape
    // cold), but starts none: a start costs more than one network's work.
    const up = Math.max(this.workers.length, this.borrowed.length) > 0;
    if (this.threads <= 1 || nets.length === 0 || (nets.length === 1 && !up)) return nets.map(here);
    while (this.workers.length < Math.min(this.threads, nets.length))
      this.workers.push(this.next());
    const results: Omit<RefitReply, "id">[] = new Array(nets.length);
    let next = 0;
    const drain = async (w: Worker): Promise<void> => {
      while (next < nets.length) {
        const id = next++;
        results[id] = await ask(w, { id, task, net: nets[id] });
      }
    };
    await Promise.all(this.workers.slice(0, nets.length).map(drain));
    return results;
  }

  /** The next thread to work on, a borrowed one while any is left, set up for this pool's work. */
  private next(): Worker {
    const borrowed = this.borrowed[this.workers.length];
    const w = borrowed ?? startTypeScriptWorker(join(__dirname, "refit-worker.ts"));
    if (!borrowed) this.own.add(w);
    w.postMessage({
      kind: "refit-setup",
      samples: this.samples,
      options: this.options,
      judge: this.judge,
    } satisfies RefitSetup);
    return w;
  }
}

/** Sends one network to a worker and resolves with its reply, or rejects with its error. */
async function ask(w: Worker, request: RefitRequest): Promise<RefitReply> {
  // A refit's reply has no kind: a replica worker's other replies do (see replica-worker.ts).
  const answers = (m: unknown): m is RefitReply =>
    !("kind" in (m as object)) && (m as RefitReply).id === request.id;
  const reply = await askWorker(w, request, answers, "a refit worker");
  if (reply.error !== undefined || !reply.score || (request.task === "refit" && !reply.net))
    throw new Error(`${request.task} failed: ${reply.error ?? "nothing came back"}`);
  return reply;
}
