/**
 * The worker thread of {@link ReplicaPool} (see replica-training.ts): one replica of each
 * data-parallel training it is given, one after the other. Between trainings it predicts (see
 * {@link PredictJob}) and serves pruning's refits and scores (refit-worker.ts, loaded here; see
 * RefitPool), so that a sized training starts no threads of its own for them. Not an entry point
 * of its own.
 */
import "./refit-worker";

import { parentPort } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../../runtime/tf-backend";
import { ReplicaAbortedError, ReplicaGroup } from "../../training/replica-group";
import type { LoopResult } from "../../training/training-loop";
import { SAMPLE_IN } from "../data/particle-data";
import {
  buildInteractionModel,
  type InteractionConfig,
  interactionLayerOf,
} from "../model/interaction-layer";
import type { SizedNetwork } from "../model/network-surgery";
import { networkPredictions } from "./prune";
import { GRADIENT_SHARDS, type Samples, trainModel, type TrainOptions } from "./train";

/** What a replica is given: its rank, the group's shared buffer, the design, recipe and data. */
export interface ReplicaJob {
  kind: "replica";
  rank: number;
  size: number;
  group: SharedArrayBuffer;
  design: InteractionConfig;
  /** The weights to start from, in the model's order. */
  initialWeights: Float32Array[];
  /** The pressure on the removable parts (see InteractionLayer.setPressure). */
  pressure: number;
  options: Partial<TrainOptions>;
  train: Samples;
  val: Samples;
}

/** What a replica answers: its loop's result, a checksum of its weights, the weights (rank 0). */
export interface ReplicaReply {
  loop: LoopResult;
  /** The sum of all weights, written out exactly: equal in every replica unless they diverged. */
  checksum: string;
  weights?: Float32Array[];
  error?: string;
  /** Set when this replica stopped because another one failed. */
  aborted?: boolean;
}

/**
 * Predictions of a network for samples `[from, to)` of the inputs `x` ((n, 4, 7) flat, shared),
 * see ReplicaPool.predict.
 */
export interface PredictJob {
  kind: "predict";
  id: number;
  net: SizedNetwork;
  x: Float32Array;
  from: number;
  to: number;
}

/** What a worker answers a {@link PredictJob}: the predictions, (to − from, 4, 3) flat, or the error. */
export interface PredictReply {
  kind: "predicted";
  id: number;
  out?: Float32Array;
  error?: string;
}

parentPort?.on("message", (message: ReplicaJob | PredictJob | { kind?: string }) => {
  if (message.kind === "predict") {
    const { id, net, x, from, to } = message as PredictJob;
    try {
      const out = networkPredictions(net, x.subarray(from * SAMPLE_IN, to * SAMPLE_IN));
      // Copied, not transferred: a transfer detaches the buffer, and after one this thread's
      // kernel ran slower for the rest of the run, likely because V8's optimized code then guards
      // every typed-array access against a detached buffer (docs/particles.md).
      parentPort!.postMessage({ kind: "predicted", id, out } satisfies PredictReply);
    } catch (err) {
      const error = (err as Error).message;
      parentPort!.postMessage({ kind: "predicted", id, error } satisfies PredictReply);
    }
    return;
  }
  if (message.kind !== "replica") return; // the refit handler's message
  const job = message as ReplicaJob;
  void (async () => {
    let model: tf.LayersModel | undefined;
    try {
      await initBackend();
      const group = new ReplicaGroup(job.group, job.rank, job.size, GRADIENT_SHARDS);
      const built = buildInteractionModel(job.design);
      model = built;
      tf.tidy(() =>
        built.setWeights(
          built.weights.map((w, i) => tf.tensor(job.initialWeights[i], w.shape as number[])),
        ),
      );
      if (job.pressure > 0) interactionLayerOf(built).setPressure(job.pressure);
      const onEpoch =
        job.rank === 0 ? (epoch: unknown) => parentPort!.postMessage({ epoch }) : undefined;
      const loop = await trainModel(built, job.train, job.val, { ...job.options, onEpoch }, group);
      const weights = built.getWeights().map((w) => w.dataSync() as Float32Array);
      const checksum = weights.reduce((s, w) => w.reduce((t, v) => t + v, s), 0).toString();
      parentPort!.postMessage({
        loop,
        checksum,
        weights: job.rank === 0 ? weights : undefined,
      } satisfies ReplicaReply);
    } catch (err) {
      ReplicaGroup.abort(job.group);
      const aborted = err instanceof ReplicaAbortedError;
      parentPort!.postMessage({ error: (err as Error).message, aborted } as ReplicaReply);
    } finally {
      // The worker stays for the pool's next training: this one's weights go.
      model?.dispose();
    }
  })();
});
