import { mse } from "../../math/mse";
import { SAMPLE_IN } from "../data/particle-data";
import { kernelOf } from "../model/interaction-layer";
import {
  kernelParams,
  type NetworkPart,
  removableParts,
  removePart,
  type SizedNetwork,
  weightCount,
  zeroPart,
} from "../model/network-surgery";
import { particleScore } from "../score";
import type { Samples } from "./train";

/** One removal pruning made: the part, and the network's weights and score after it. */
export interface Removal {
  part: string;
  params: number;
  score: number;
  /** Whether the removal was judged after a refit (see {@link RefitJudging}). */
  refit: boolean;
}

/**
 * How pruning judges a removal the network cannot take as it stands: both networks, with and
 * without the part, are refit alike (see refitOnKernel) and compared after it.
 */
export interface RefitJudging {
  /**
   * The refit of each network given, in order: a copy trained a little, the same way for every
   * network, with its score on pruning's samples (see RefitPool, which runs them over the cores
   * and scores each where it was refit).
   */
  refitAll: (nets: SizedNetwork[]) => Promise<RefitResult[]>;
  /** Removals refit per step: those whose networks score best before the refit. */
  candidates: number;
  /**
   * The score of each network given on pruning's samples (see networkScore), computed over the
   * cores (see RefitPool); without it, in this thread.
   */
  scoreAll?: (nets: SizedNetwork[]) => Promise<{ mse: number; score: number }[]>;
}

/** A network refit for pruning's judging (see RefitJudging), with its MSE and score (see networkScore). */
export interface RefitResult {
  net: SizedNetwork;
  mse: number;
  score: number;
}

/**
 * The validation score `(MegaParams · MSE)^-0.5` of a network on samples, computed by the
 * kernel in float64 (what the saved float32 network gives to rounding).
 */
export function networkScore(net: SizedNetwork, samples: Samples): { mse: number; score: number } {
  const x = samples.x.subarray(0, samples.n * SAMPLE_IN);
  return predictionScore(net, networkPredictions(net, x), samples.y);
}

/**
 * A network's predictions for the inputs `x` ((n, 4, 7) flat), computed by the kernel in float64
 * and rounded to float32: for float32 weights, what a model holding them predicts (predictFlat),
 * to the bit. Each sample's prediction is its own: predicting a part of `x` gives that part of
 * the whole's.
 *
 * @example
 * const y = networkPredictions(net, val.x); // (n, 4, 3) flat
 */
export function networkPredictions(net: SizedNetwork, x: Float32Array): Float32Array {
  const kernel = kernelOf(net.config);
  const n = x.length / SAMPLE_IN;
  return Float32Array.from(kernel.forward(x, n, kernelParams(net, kernel), false).out);
}

/** {@link networkScore} from the network's predictions `out` for samples whose targets are `y`. */
export function predictionScore(
  net: SizedNetwork,
  out: Float32Array,
  y: Float32Array,
): { mse: number; score: number } {
  const err = mse(out, y);
  return { mse: err, score: particleScore(weightCount(net), err) };
}

/**
 * Backward elimination by the challenge's own score: while some part's removal does not lower the
 * validation score `(MegaParams · MSE)^-0.5` on `samples` and keeps the MSE at most `maxMse`
 * (a multiple of the broad network's, see trainSized), removes the part whose removal scores best.
 * Each round tries the `consider` removable parts (see removableParts) whose weights have the
 * smallest norm: the training's pressure has pulled the parts the data does not need towards 0,
 * and trying every part at every round costs the number of parts squared in evaluations.
 * Resolves with the smaller network and the removals in order. `onRemoval` sees each.
 *
 * With `refit`, when no removal passes as the network stands, the best-scoring ones are judged
 * again after a refit (see {@link RefitJudging}): a network cut by a hidden unit or an input has
 * lost what its other weights were tuned to, and scores below what it reaches once they are tuned
 * again, which the fine-tuning after pruning will do. The refit of the network as it is sets the
 * bar, so that the removal is not credited with the refit's own gain. An accepted removal goes on
 * from the refit weights.
 *
 * Why the bound on the MSE: the score alone prefers free flight to a model of the law wherever
 * the forces are weak. A network of 2 weights that predicts p + v t scores higher than one of 37
 * that fits the law to the noise, at many times its error; the bound keeps pruning to networks
 * that model the law about as well as the broad one did, and the score then picks the smallest.
 *
 * @example
 * const { net, removals } = await pruneByScore(trained, samples, 1.5 * networkScore(trained, samples).mse);
 */
export async function pruneByScore(
  start: SizedNetwork,
  samples: Samples,
  maxMse: number,
  onRemoval?: (r: Removal) => void,
  consider = Infinity,
  refit?: RefitJudging,
): Promise<{ net: SizedNetwork; removals: Removal[] }> {
  let net = start;
  let score = (refit?.scoreAll ? (await refit.scoreAll([net]))[0] : networkScore(net, samples))
    .score;
  const removals: Removal[] = [];
  for (;;) {
    // A network of no weights is free flight, whose score is not defined: one part stays.
    const smaller = smallestParts(net, consider)
      .map((part) => ({ part: part.name, net: removePart(net, part.name) }))
      .filter((t) => weightCount(t.net) > 0);
    // Each is judged as `net` with the part's weights at 0: the same outputs to the bit (see
    // zeroPart), on the kernel of `net`, which all of them share.
    const judged = smaller.map((t) => zeroPart(net, t.part));
    const mses = (
      refit?.scoreAll ? await refit.scoreAll(judged) : judged.map((n) => networkScore(n, samples))
    ).map((s) => s.mse);
    const tried = smaller.map((t, k) => ({
      ...t,
      score: particleScore(weightCount(t.net), mses[k]),
      mse: mses[k],
    }));
    tried.sort((a, b) => b.score - a.score);
    let best: (typeof tried)[number] | null =
      tried.find((t) => t.score >= score && t.mse <= maxMse) ?? null;
    let afterRefit = false;
    if (!best && refit && tried.length > 0) {
      const candidates = tried.slice(0, refit.candidates);
      const [bar, ...refits] = await refit.refitAll([net, ...candidates.map((t) => t.net)]);
      for (const [k, t] of candidates.entries()) {
        const { net: refitNet, mse: err, score: s } = refits[k];
        if (s >= bar.score && err <= maxMse && (!best || s > best.score))
          best = { net: refitNet, part: t.part, score: s, mse: err };
      }
      afterRefit = true;
    }
    if (!best) return { net, removals };
    net = best.net;
    score = best.score;
    const removal = { part: best.part, params: weightCount(net), score, refit: afterRefit };
    removals.push(removal);
    onRemoval?.(removal);
  }
}

/** The `n` removable parts of `net` whose weights have the smallest Euclidean norm, smallest first. */
export function smallestParts(net: SizedNetwork, n: number): NetworkPart[] {
  const norm = (part: NetworkPart) =>
    Math.hypot(...part.weights.map((w) => net.weights.get(w.array)!.data[w.index]));
  return removableParts(net.config)
    .map((part) => ({ part, norm: norm(part) }))
    .sort((a, b) => a.norm - b.norm)
    .slice(0, n)
    .map((p) => p.part);
}
