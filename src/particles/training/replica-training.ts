import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import { askWorker } from "../../runtime/worker-request";
import { ReplicaGroup, shardRange } from "../../training/replica-group";
import type { EpochLog, LoopResult } from "../../training/training-loop";
import { SAMPLE_IN, SAMPLE_OUT } from "../data/particle-data";
import type { InteractionConfig } from "../model/interaction-layer";
import type { SizedNetwork } from "../model/network-surgery";
import type { PredictJob, PredictReply, ReplicaJob, ReplicaReply } from "./replica-worker";
import { GRADIENT_SHARDS, type Samples, sharedSamples, type TrainOptions } from "./train";

/**
 * Data-parallel training over `threads` worker threads (see {@link ReplicaPool.train}), the
 * workers kept from one training to the next: the sizing recipe trains the broad network, then
 * each round's kept network, then the fine-tuning, and a worker's start (tsx, tfjs and its wasm
 * backend) would otherwise be paid at each. The workers start with the pool, so that they load
 * while the caller reads its data; between trainings they also predict (see {@link predict}). A
 * training or prediction that fails stops the workers; the next one starts new ones.
 * {@link close} stops them.
 *
 * @example
 * const pool = new ReplicaPool(2);
 * try {
 *   await pool.train(model, SUBSTEP_DESIGN, train, val, { epochs: 4 });
 *   const y = await pool.predict({ config: SUBSTEP_DESIGN, weights: interactionLayerOf(model).namedWeights() }, val.x);
 * } finally {
 *   await pool.close();
 * }
 */
export class ReplicaPool {
  private readonly workers: Worker[] = [];
  /** The worker threads: those asked for, at most one per part of a batch (GRADIENT_SHARDS). */
  readonly threads: number;
  /** The id of the next prediction request. */
  private nextRequest = 0;

  constructor(threads: number) {
    this.threads = Math.max(1, Math.min(threads, GRADIENT_SHARDS));
    this.start();
  }

  /** Starts the workers missing (all at first, all again after a failure). */
  private start(): void {
    while (this.workers.length < this.threads)
      this.workers.push(startTypeScriptWorker(join(__dirname, "replica-worker.ts")));
  }

  /**
   * Trains `model` (an interaction network built from `design`) data-parallel: each worker holds
   * a replica and computes the gradients of its part of every batch, and the replicas add them up
   * in shared memory (see ReplicaGroup), so they take the same Adam steps on the whole batch's
   * gradient. The tfjs wasm backend is single-threaded; this is how one training uses more than
   * one core. The result is {@link trainModel}'s on one thread to the bit: the replicas compute
   * the same parts of each batch (GRADIENT_SHARDS) and add them in the same order. Resolves when
   * the replicas are done, with `model` holding the trained weights; `options.onEpoch` hears every
   * epoch. The replicas start from `model`'s weights, with `pressure` on its removable parts (see
   * InteractionLayer.setPressure).
   */
  async train(
    model: tf.LayersModel,
    design: InteractionConfig,
    train: Samples,
    val: Samples,
    options: Partial<TrainOptions>,
    pressure = 0,
  ): Promise<LoopResult> {
    const threads = this.threads;
    const initialWeights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const group = ReplicaGroup.allocate(GRADIENT_SHARDS, model.countParams() + 2);
    const data = { train: sharedSamples(train), val: sharedSamples(val) };
    const { onEpoch, ...rest } = options;
    this.start();
    const cleanUps: (() => void)[] = [];
    try {
      const replies = await Promise.all(
        this.workers.map(
          (w, rank) =>
            new Promise<ReplicaReply>((resolve, reject) => {
              const fail = (err: Error): void => {
                ReplicaGroup.abort(group);
                reject(err);
              };
              const onExit = (code: number): void =>
                fail(new Error(`replica ${rank} stopped (exit code ${code})`));
              const onMessage = (m: { epoch: EpochLog } | ReplicaReply | PredictReply): void => {
                if ("kind" in m) return; // a prediction's answer (see predict)
                if ("epoch" in m) onEpoch?.(m.epoch);
                // A replica stopped by another's failure says so; the failure itself is the error.
                else if (m.aborted) resolve(m);
                else if (m.error) fail(new Error(m.error));
                else resolve(m);
              };
              w.on("error", fail);
              w.on("exit", onExit);
              w.on("message", onMessage);
              cleanUps.push(() => {
                w.off("error", fail);
                w.off("exit", onExit);
                w.off("message", onMessage);
              });
              w.postMessage({
                kind: "replica",
                rank,
                size: threads,
                group,
                design,
                initialWeights,
                pressure,
                options: rest,
                ...data,
              } satisfies ReplicaJob);
            }),
        ),
      );
      if (new Set(replies.map((r) => r.checksum)).size !== 1)
        throw new Error(
          `the replicas' weights differ (checksums ${replies.map((r) => r.checksum).join(", ")})`,
        );
      const weights = replies[0].weights!;
      // In a tidy: setWeights copies the values into the model's variables, the tensors can go.
      tf.tidy(() =>
        model.setWeights(model.weights.map((w, i) => tf.tensor(weights[i], w.shape as number[]))),
      );
      return replies[0].loop;
    } catch (err) {
      // A replica that failed, or was stopped by another's failure, may be in any state.
      for (const cleanUp of cleanUps.splice(0)) cleanUp();
      await this.close();
      throw err;
    } finally {
      for (const cleanUp of cleanUps) cleanUp();
    }
  }

  /**
   * The predictions of `net` for the inputs `x` ((n, 4, 7) flat), as networkPredictions (prune.ts)
   * gives them in this thread, to the bit: the samples are cut into one part per worker, and each
   * sample's prediction is its own. After a training, the workers have the network's kernel
   * warm, where this thread would run it cold.
   */
  async predict(net: SizedNetwork, x: Float32Array): Promise<Float32Array> {
    this.start();
    const n = x.length / SAMPLE_IN;
    const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    shared.set(x);
    const out = new Float32Array(n * SAMPLE_OUT);
    try {
      await Promise.all(
        this.workers.map(async (w, k) => {
          const [from, to] = shardRange(n, k, this.workers.length);
          const job = {
            kind: "predict",
            id: this.nextRequest++,
            net,
            x: shared,
            from,
            to,
          } as const;
          out.set(await askPrediction(w, job satisfies PredictJob), from * SAMPLE_OUT);
        }),
      );
    } catch (err) {
      await this.close();
      throw err;
    }
    return out;
  }

  /**
   * The worker threads, started with the pool: between trainings they
   * serve pruning's refits (see RefitPool's `borrowed`), as their worker loads the refit handler.
   */
  get started(): readonly Worker[] {
    return this.workers;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/** Sends a prediction job to a worker and resolves with its predictions, or rejects with its error. */
async function askPrediction(w: Worker, job: PredictJob): Promise<Float32Array> {
  const answers = (m: unknown): m is PredictReply =>
    (m as PredictReply).kind === "predicted" && (m as PredictReply).id === job.id;
  const { out, error } = await askWorker(w, job, answers, "a replica worker");
  if (!out) throw new Error(`predicting failed: ${error ?? "nothing came back"}`);
  return out;
}

/**
 * One data-parallel training over `threads` worker threads started for it (see
 * {@link ReplicaPool.train}, which keeps them for the next).
 *
 * @example
 * const model = buildInteractionModel(SUBSTEP_DESIGN);
 * const { bestValLoss } = await trainInReplicas(model, SUBSTEP_DESIGN, train, val, {}, 2);
 */
export async function trainInReplicas(
  model: tf.LayersModel,
  design: InteractionConfig,
  train: Samples,
  val: Samples,
  options: Partial<TrainOptions>,
  threads: number,
  pressure = 0,
): Promise<LoopResult> {
  const pool = new ReplicaPool(threads);
  try {
    return await pool.train(model, design, train, val, options, pressure);
  } finally {
    await pool.close();
  }
}
