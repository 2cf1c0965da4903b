/**
 * A learning-rate schedule: the rate of each epoch, told after each epoch whether validation
 * improved. {@link plateauSchedule} and {@link cosineSchedule} are the two the project uses.
 */
export interface LearningRateSchedule {
  /** The rate for `epoch` (1-based), before it runs. */
  rateFor(epoch: number): number;
  /** Called after each epoch with whether its validation loss was the best so far. */
  epochEnded(improved: boolean): void;
}

/**
 * Starts at `learningRate` and halves it after `patience` epochs without a better validation
 * loss, never below `minLearningRate`.
 *
 * @example
 * const s = plateauSchedule({ learningRate: 2e-3, patience: 2, minLearningRate: 1e-5 });
 * s.rateFor(1); // 0.002; after two epochs without improvement, 0.001
 */
export function plateauSchedule(o: {
  learningRate: number;
  patience: number;
  minLearningRate: number;
}): LearningRateSchedule {
  let rate = o.learningRate;
  let sinceBetter = 0;
  return {
    rateFor: () => rate,
    epochEnded(improved) {
      sinceBetter = improved ? 0 : sinceBetter + 1;
      if (sinceBetter >= o.patience && rate > o.minLearningRate) {
        rate = Math.max(o.minLearningRate, rate / 2);
        sinceBetter = 0;
      }
    },
  };
}

/**
 * Lowers the rate from `learningRate` to `minLearningRate` along half a cosine over `epochs`,
 * whatever validation does.
 *
 * @example
 * cosineSchedule({ learningRate: 0.03, minLearningRate: 1e-5, epochs: 36 }).rateFor(36); // 1e-5
 */
export function cosineSchedule(o: {
  learningRate: number;
  minLearningRate: number;
  epochs: number;
}): LearningRateSchedule {
  return { rateFor: (epoch) => cosineRate(o, epoch), epochEnded: () => undefined };
}

/** The learning rate of `epoch` (1-based) on the cosine schedule. */
export function cosineRate(
  o: { learningRate: number; minLearningRate: number; epochs: number },
  epoch: number,
): number {
  const t = o.epochs > 1 ? (epoch - 1) / (o.epochs - 1) : 1;
  return (
    o.minLearningRate + 0.5 * (o.learningRate - o.minLearningRate) * (1 + Math.cos(Math.PI * t))
  );
}
