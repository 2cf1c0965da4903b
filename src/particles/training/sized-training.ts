import type { Worker } from "node:worker_threads";

import type * as tf from "@tensorflow/tfjs";

import type { LoopResult } from "../../training/training-loop";
import { SAMPLE_OUT } from "../data/particle-data";
import {
  buildInteractionModel,
  type InteractionConfig,
  interactionLayerOf,
} from "../model/interaction-layer";
import { type SizedNetwork, weightCount } from "../model/network-surgery";
import {
  networkPredictions,
  predictionScore,
  pruneByScore,
  type RefitJudging,
  type Removal,
} from "./prune";
import { RefitPool } from "./refit-pool";
import { ReplicaPool } from "./replica-training";
import {
  DEFAULT_TRAINING,
  headSamples,
  type Samples,
  trainModel,
  type TrainOptions,
} from "./train";

/** Settings of {@link trainSized}, the recipe that fits a broad design's size to the data. */
export interface SizingOptions {
  /** Epochs the broad network trains without pressure first, so that weak parts of a law are learned. */
  warmEpochs: number;
  /** Epochs the broad network then trains under pressure; the rest of the epochs fine-tune the kept one. */
  searchEpochs: number;
  /** Training samples the broad network trains on (the first of the training split). */
  searchTrainSamples: number;
  /** The pressure ρ on the removable parts while searching (see InteractionLayer.setPressure). */
  pressure: number;
  /** Validation samples the removals are judged on (the first of the validation split). */
  searchSamples: number;
  /** Parts each step of pruning tries: those of the smallest weight norm (see pruneByScore). */
  pruneCandidates: number;
  /** Removals keep the validation MSE within this many times the broad network's (see pruneByScore). */
  maxMseRatio: number;
  /** Rounds of pruning: after the first, each trains the kept network a little and prunes again. */
  rounds: number;
  /** Epochs on the search samples, under pressure, before each later round of pruning. */
  roundEpochs: number;
  /** Learning rate at the start of fine-tuning (and of the rounds' trainings and the refits). */
  tuneLearningRate: number;
  /** Adam steps of the refit that judges a removal the network cannot take as it stands (0: none). */
  refitSteps: number;
  /**
   * Samples per step of the refit: a refit costs its steps times its samples. Every network of a
   * pruning step is refit on the same batches, so that their comparison does not hinge on the
   * batches' noise.
   */
  refitBatchSize: number;
  /** Removals judged after a refit per step of pruning (see RefitJudging). */
  refitCandidates: number;
}

/** The recipe's defaults (see {@link trainSized}). */
export const DEFAULT_SIZING: SizingOptions = {
  warmEpochs: 8,
  searchEpochs: 4,
  searchTrainSamples: 12000,
  pressure: 3,
  searchSamples: 400,
  pruneCandidates: 8,
  maxMseRatio: 1.5,
  rounds: 4,
  roundEpochs: 2,
  tuneLearningRate: 0.01,
  refitSteps: 150,
  refitBatchSize: 64,
  refitCandidates: 3,
};

/** What {@link trainSized} returns. */
export interface SizedTraining {
  /** The kept network, fine-tuned. */
  model: tf.LayersModel;
  /** Its configuration: the parts kept and their sizes. */
  config: InteractionConfig;
  /** The broad network after the search: its weights and validation score. */
  full: { params: number; valMse: number; valScore: number };
  /** The parts removed, in order. */
  removals: Removal[];
  /** The fine-tuning's history and best validation loss. */
  fit: LoopResult;
}

/**
 * Trains a broad design and fits its size to the data, every choice made from the training
 * split and its validation part alone:
 * 1. search: the broad network trains on the first `searchTrainSamples`, for `warmEpochs` without
 *    pressure (pressure from the first step pulls a weak force's parts to 0 before the network
 *    has learned it), then for `searchEpochs` with pressure on its removable parts (a group lasso
 *    scaled to the loss, see InteractionLayer.setPressure), which pulls the parts the data does
 *    not need towards 0;
 * 2. prune: backward elimination removes parts while the validation score
 *    `(MegaParams · MSE)^-0.5` on the first `searchSamples` validation samples does not fall and
 *    the MSE stays within `maxMseRatio` times the broad network's (see pruneByScore), cutting
 *    them out of the network; up to `rounds - 1` more rounds each train the kept network for
 *    `roundEpochs` under pressure and prune again, until a round removes nothing. When no
 *    removal passes as the network stands, the best are judged again after a refit of
 *    `refitSteps` Adam steps of `refitBatchSize` samples, against the same refit of the network
 *    as it is (see refitOnKernel, RefitJudging): a network cut by a hidden unit or an input has
 *    lost what its other weights were tuned to, and scores below what the fine-tuning will make
 *    of it;
 * 3. fine-tune: the kept network trains for the remaining epochs on the whole training split
 *    without pressure, keeping its best validation epoch.
 *
 * With `threads` above 1 the trainings are data-parallel over replicas (see ReplicaPool), on
 * `pool` when given (it stays open, for the caller's predictions) or on a pool of its own, and
 * pruning's refits run over all `threads`. The network kept is the same for any `threads`.
 *
 * @example
 * const { model, config, removals } = await trainSized(train, val, BROAD_DESIGN, { epochs: 36 });
 */
export async function trainSized(
  train: Samples,
  val: Samples,
  design: InteractionConfig,
  options: Partial<TrainOptions> = {},
  sizing: SizingOptions = DEFAULT_SIZING,
  log: (line: string) => void = () => {},
  threads = 1,
  pool?: ReplicaPool,
): Promise<SizedTraining> {
  // One thread, or data-parallel replicas (see ReplicaPool) that start from the model's weights;
  // the replicas' workers serve every training below, and stop at the end unless the caller's.
  const own = !pool && threads > 1 ? new ReplicaPool(threads) : null;
  const replicas = pool ?? own;
  // Predictions on the replicas' threads, which have the network's kernel warm (see
  // ReplicaPool.predict); the same numbers as in this thread.
  const predictionsOf = (net: SizedNetwork, x: Float32Array) =>
    replicas ? replicas.predict(net, x) : networkPredictions(net, x);
  const fitOn: Fit = (model, config, on, opts, pressure) => {
    if (replicas) return replicas.train(model, config, on, val, opts, pressure);
    interactionLayerOf(model).setPressure(pressure);
    return trainModel(model, on, val, opts).finally(() => interactionLayerOf(model).setPressure(0));
  };
  try {
    const epochs = options.epochs ?? DEFAULT_TRAINING.epochs;
    const warmEpochs = Math.min(sizing.warmEpochs, Math.max(0, epochs - 2));
    const searchEpochs = Math.min(sizing.searchEpochs, Math.max(1, epochs - warmEpochs - 1));
    const searchOn = headSamples(train, sizing.searchTrainSamples);
    const broad = buildInteractionModel(design);
    if (warmEpochs > 0) {
      log(`searching: the broad network (${broad.countParams()} weights), ${warmEpochs} epochs`);
      // A constant learning rate (halved on plateaus): the search's schedule starts after it.
      const warm = { ...options, epochs: warmEpochs, schedule: "plateau" as const };
      await fitOn(broad, design, searchOn, warm, 0);
    }
    log(`searching: under pressure ${sizing.pressure}, ${searchEpochs} epochs`);
    await fitOn(broad, design, searchOn, { ...options, epochs: searchEpochs }, sizing.pressure);
    const trained: SizedNetwork = {
      config: design,
      weights: interactionLayerOf(broad).namedWeights(),
    };
    broad.dispose();
    const pruning = { searchOn, judgeOn: headSamples(val, sizing.searchSamples) };
    // The judging samples are the first of the validation split: their predictions are the
    // first of its (each sample's prediction is its own).
    const valOut = await predictionsOf(trained, val.x);
    const full = predictionScore(trained, valOut, val.y);
    const judgeOut = valOut.subarray(0, pruning.judgeOn.n * SAMPLE_OUT);
    const maxMse = sizing.maxMseRatio * predictionScore(trained, judgeOut, pruning.judgeOn.y).mse;
    const { net, removals } = await pruneInRounds(
      trained,
      pruning,
      maxMse,
      options,
      sizing,
      { count: threads, borrowed: replicas?.started ?? [] },
      fitOn,
      log,
    );
    const model = buildInteractionModel(net.config);
    interactionLayerOf(model).setNamedWeights(net.weights);
    const spent = warmEpochs + searchEpochs + (sizing.rounds - 1) * sizing.roundEpochs;
    const tuneEpochs = Math.max(1, epochs - spent);
    log(`fine-tuning the kept network (${weightCount(net)} weights), ${tuneEpochs} epochs`);
    const tune = { ...options, epochs: tuneEpochs, learningRate: sizing.tuneLearningRate };
    const fit = await fitOn(model, net.config, train, tune, 0);
    return {
      model,
      config: net.config,
      full: { params: weightCount(trained), valMse: full.mse, valScore: full.score },
      removals,
      fit,
    };
  } finally {
    await own?.close();
  }
}

/** Trains `model` (of `config`) on `on` with `opts`, under `pressure` (see trainSized). */
type Fit = (
  model: tf.LayersModel,
  config: InteractionConfig,
  on: Samples,
  opts: Partial<TrainOptions>,
  pressure: number,
) => Promise<LoopResult>;

/**
 * Step 2 of {@link trainSized}: prunes the searched network on `judgeOn`, its removals keeping the
 * MSE there at most `maxMse`, then up to `rounds - 1` times trains the kept network on `searchOn`
 * under pressure and prunes again, until a round removes nothing. The refits and the candidates'
 * scores run over `threads.count` threads, the replicas' `threads.borrowed` first (see RefitPool).
 */
async function pruneInRounds(
  trained: SizedNetwork,
  { searchOn, judgeOn }: { searchOn: Samples; judgeOn: Samples },
  maxMse: number,
  options: Partial<TrainOptions>,
  sizing: SizingOptions,
  threads: { count: number; borrowed: readonly Worker[] },
  fitOn: Fit,
  log: (line: string) => void,
): Promise<{ net: SizedNetwork; removals: Removal[] }> {
  const onRemoval = (r: Removal) =>
    log(
      `  removed ${r.part}${r.refit ? " (after a refit)" : ""}: ${r.params} weights, search score ${r.score.toFixed(0)}`,
    );
  // Pruning's refits and scores run over the training's threads: their results are the same.
  const pool =
    sizing.refitSteps > 0
      ? new RefitPool(
          searchOn,
          {
            steps: sizing.refitSteps,
            batchSize: sizing.refitBatchSize,
            learningRate: sizing.tuneLearningRate,
            seed: options.seed ?? DEFAULT_TRAINING.seed,
            clipGradients: options.clipGradients ?? DEFAULT_TRAINING.clipGradients ?? 0,
          },
          threads.count,
          judgeOn,
          threads.borrowed,
        )
      : null;
  const refit: RefitJudging | undefined = pool
    ? {
        refitAll: (nets) => pool.refitAll(nets),
        candidates: sizing.refitCandidates,
        scoreAll: (nets) => pool.scoreAll(nets),
      }
    : undefined;
  const prune = (net: SizedNetwork) =>
    pruneByScore(net, judgeOn, maxMse, onRemoval, sizing.pruneCandidates, refit);
  let clock = Date.now();
  const seconds = () => `${((Date.now() - clock) / 1000).toFixed(0)} s`;
  try {
    let { net, removals } = await prune(trained);
    log(`pruned to ${weightCount(net)} weights (${seconds()})`);
    for (let round = 1; round < sizing.rounds; round++) {
      // The kept network trains a little under pressure, and pruning looks again.
      const model = buildInteractionModel(net.config);
      interactionLayerOf(model).setNamedWeights(net.weights);
      log(
        `round ${round + 1}: ${weightCount(net)} weights train ${sizing.roundEpochs} epochs under pressure`,
      );
      const opts = {
        ...options,
        epochs: sizing.roundEpochs,
        learningRate: sizing.tuneLearningRate,
      };
      await fitOn(model, net.config, searchOn, opts, sizing.pressure);
      clock = Date.now();
      const again = await prune({
        config: net.config,
        weights: interactionLayerOf(model).namedWeights(),
      });
      model.dispose();
      log(`pruned to ${weightCount(again.net)} weights (${seconds()})`);
      net = again.net;
      removals = [...removals, ...again.removals];
      if (again.removals.length === 0) break;
    }
    return { net, removals };
  } finally {
    await pool?.close();
  }
}
