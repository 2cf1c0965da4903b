import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { startTypeScriptWorker } from "../../runtime/typescript-worker";
import { ReplicaGroup } from "../../training/replica-group";
import type { EpochLog, LoopResult } from "../../training/training-loop";
import type { InteractionConfig } from "../model/interaction-layer";
import type { ReplicaJob, ReplicaReply } from "./replica-worker";
import { type Samples, sharedSamples, type TrainOptions } from "./train";

/**
 * Trains `model` (an interaction network built from `design`) data-parallel over `threads` worker
 * threads: each holds a replica and computes the gradients of its part of every batch, and the
 * replicas add them up in shared memory (see ReplicaGroup), so they take the same Adam steps on the
 * whole batch's gradient. The tfjs wasm backend is single-threaded; this is how one training uses
 * more than one core. The result matches {@link trainModel} on one thread up to floating-point
 * rounding (sums in another order), and is itself deterministic. Resolves when the replicas are
 * done, with `model` holding the trained weights; `options.onEpoch` hears every epoch. The
 * replicas start from `model`'s weights, with `pressure` on its removable parts (see
 * InteractionLayer.setPressure).
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
  const initialWeights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const group = ReplicaGroup.allocate(threads, model.countParams() + 2);
  const data = { train: sharedSamples(train), val: sharedSamples(val) };
  const { onEpoch, ...rest } = options;
  const workers: Worker[] = [];
  try {
    const replies = await Promise.all(
      Array.from({ length: threads }, (_, rank) => {
        const w = startTypeScriptWorker(join(__dirname, "replica-worker.ts"));
        workers.push(w);
        return new Promise<ReplicaReply>((resolve, reject) => {
          let answered = false;
          const fail = (err: Error): void => {
            answered = true;
            ReplicaGroup.abort(group);
            reject(err);
          };
          w.on("error", fail);
          w.on("exit", (code) => {
            if (!answered) fail(new Error(`replica ${rank} stopped (exit code ${code})`));
          });
          w.on("message", (m: { epoch: EpochLog } | ReplicaReply) => {
            if ("epoch" in m) onEpoch?.(m.epoch);
            // A replica stopped by another's failure says so; the failure itself is the error.
            else if (m.aborted) answered = true;
            else if (m.error) fail(new Error(m.error));
            else {
              answered = true;
              resolve(m);
            }
          });
          w.postMessage({
            rank,
            size: threads,
            group,
            design,
            initialWeights,
            pressure,
            options: rest,
            ...data,
          } satisfies ReplicaJob);
        });
      }),
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
  } finally {
    for (const w of workers) {
      w.removeAllListeners("exit");
      await w.terminate();
    }
  }
}
