import type * as tf from "@tensorflow/tfjs";

/**
 * Keeps the weights of the best validation epoch and says when to stop: after `patience` epochs
 * without a better validation loss. {@link restoreBest} puts the best weights back;
 * {@link dispose} frees the kept copy.
 *
 * @example
 * const stop = new EarlyStopping(model, 4);
 * if (stop.epochEnded(epoch, valLoss)) break; // ...then stop.restoreBest(); stop.dispose();
 */
export class EarlyStopping {
  /** The best epoch so far (1-based), or -1 before the first. */
  bestEpoch = -1;
  /** Its validation loss. */
  bestLoss = Infinity;
  private bestWeights: tf.Tensor[] = [];
  private sinceBest = 0;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly patience: number,
  ) {}

  /** Whether the epoch just ended was the best so far (its weights are then kept). */
  get improved(): boolean {
    return this.sinceBest === 0;
  }

  /** Records an epoch's validation loss; returns true when training should stop. */
  epochEnded(epoch: number, valLoss: number): boolean {
    if (valLoss < this.bestLoss) {
      this.bestWeights.forEach((w) => w.dispose());
      this.bestWeights = this.model.getWeights().map((w) => w.clone());
      this.bestEpoch = epoch;
      this.bestLoss = valLoss;
      this.sinceBest = 0;
    } else this.sinceBest++;
    return this.sinceBest >= this.patience;
  }

  /** Puts the best epoch's weights back into the model (nothing before the first epoch). */
  restoreBest(): void {
    if (this.bestWeights.length > 0) this.model.setWeights(this.bestWeights);
  }

  /** Frees the kept weights. */
  dispose(): void {
    this.bestWeights.forEach((w) => w.dispose());
    this.bestWeights = [];
  }
}
