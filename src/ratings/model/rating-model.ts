import * as tf from "@tensorflow/tfjs";

import { ModelFilesError } from "../../io/model-folder";
import {
  loadModelDir,
  loadModelFiles,
  modelFolderFiles,
  saveModelDir,
} from "../../io/tf-model-files";
import { mse } from "../../math/mse";
import { gatherRows } from "../../math/row-matrix";
import { deriveSeed } from "../../random/derive-seed";
import { SeededRandom } from "../../random/seeded";
import { yieldToEventLoop } from "../../runtime/event-loop";
import { type EpochLog, trainWithEarlyStopping } from "../../training/training-loop";
import { assertKnownMovies, type Ratings } from "../data/rating-tables";
import {
  buildRatingContext,
  type RatingContext,
  type RatingFeatureSpec,
} from "../features/rating-context";
import {
  learnUserStats,
  outOfFoldUserFeatures,
  type SavedUserStats,
  USER_FEATURE_NAMES,
  userFeaturesFor,
  type UserStats,
  userStatsFromJson,
  userStatsToJson,
} from "../features/user-features";
import { buildHybridModel, type HybridConfig } from "./hybrid-model";

/** Rows predicted at once: bounds the memory of a prediction whatever the request's size. */
export const PREDICT_CHUNK = 4096;

/** Training settings of the rating model. */
export interface RatingTrainOptions {
  factors: number;
  hidden: number;
  /** L2 penalty on the content network's kernels. */
  l2: number;
  /** L2 penalty on the user vectors and biases, applied by rows (see RowSparseAdam). */
  userL2: number;
  epochs: number;
  /** Rows per batch, and the smallest batch: see {@link trainingBatchSize}. */
  batchSize: number;
  /**
   * Steps per epoch past which the batch grows with the data instead (see
   * {@link trainingBatchSize}), up to {@link RatingTrainOptions.maxBatchSize} rows.
   */
  stepsPerEpoch: number;
  /** Largest batch the growth gives. */
  maxBatchSize: number;
  learningRate: number;
  patience: number;
  /** Share of the training movies held out (by movie) for early stopping. */
  valFraction: number;
  seed: number;
  onEpoch?: (log: EpochLog) => void;
}

/** Defaults used by the notebook, the API and the CLI. */
export const DEFAULT_RATING_TRAINING: RatingTrainOptions = {
  factors: 16,
  hidden: 64,
  l2: 3e-4,
  // Chosen by 5-fold movie-wise CV of the model without embedding, among 3e-4 to 4.8e-3.
  userL2: 2.4e-3,
  epochs: 40,
  batchSize: 512,
  stepsPerEpoch: 300,
  // Wider batches take more epochs to converge (`npm run bench:scale -- --api` shows the epochs).
  maxBatchSize: 2048,
  learningRate: 2e-3,
  patience: 4,
  valFraction: 0.1,
  seed: 0,
};

/**
 * Version of what a rating model saves in its metadata (beside the folder's own format, see
 * writeModelFolder): a model saved in another version is refused, both versions named.
 */
export const RATING_MODEL_FORMAT = 1;

interface SavedState {
  kind: "cold-start-rating";
  format: number;
  config: HybridConfig;
  userIds: number[];
  stats: SavedUserStats;
  embeddingModel: string | null;
  /** What the content and text features are computed from, as fitted at training time. */
  featureSpec: RatingFeatureSpec;
  featureNames: string[];
  history: EpochLog[];
}

/**
 * The batch size of a training on `rows` rows: `batchSize` while an epoch has at most
 * `stepsPerEpoch` steps, then as many rows as keep an
 * epoch at `stepsPerEpoch` steps, in multiples of 64, up to `maxBatchSize`. The user vectors get
 * the same updates per epoch whatever the batch (each row's gradients are summed in a batch), the
 * shared network gets no fewer steps than on df_train, and an epoch on more data costs its
 * arithmetic rather than a per-step overhead.
 *
 * @example
 * trainingBatchSize(75_000, DEFAULT_RATING_TRAINING); // 512
 * trainingBatchSize(600_000, DEFAULT_RATING_TRAINING); // 2048
 */
export function trainingBatchSize(
  rows: number,
  o: Pick<RatingTrainOptions, "batchSize" | "stepsPerEpoch" | "maxBatchSize">,
): number {
  const grown = Math.ceil(rows / o.stepsPerEpoch / 64) * 64;
  return Math.max(o.batchSize, Math.min(o.maxBatchSize, grown));
}

/** How a training went: its batch size, its best epoch and why it stopped. */
export interface TrainingRun {
  batchSize: number;
  /** The epoch whose weights the model keeps (1-based). */
  bestEpoch: number;
  /** `"early stopping"` (no better validation MSE for `patience` epochs) or `"epoch limit"`. */
  stoppedBy: "early stopping" | "epoch limit";
  /**
   * Rows of the held-out movies that early stopping watched; 0 when the training had too few movies
   * to hold any out, and early stopping watched the training rows instead.
   */
  heldOutRows: number;
}

/** A trained cold-start rating model: hybrid network plus the user statistics it reads. */
export class RatingModel {
  /** How the training went; null for a model loaded from a folder. */
  run: TrainingRun | null = null;

  private constructor(
    /** The tfjs network. */
    readonly net: tf.LayersModel,
    private readonly userIndex: Map<number, number>,
    private readonly stats: UserStats,
    private readonly ctx: RatingContext,
    /** Training history (per epoch), for learning curves. */
    readonly history: EpochLog[],
    private readonly config: HybridConfig,
  ) {}

  /**
   * Trains on `ratings` (all rows, or the given `rows`): user features out-of-fold by movie,
   * early stopping on a held-out share of the training movies; seeded and deterministic.
   *
   * @example
   * const model = await RatingModel.train(readRatings(), buildRatingContext(readMovies()));
   */
  static async train(
    ratings: Ratings,
    ctx: RatingContext,
    options: Partial<RatingTrainOptions> = {},
    rows?: Int32Array,
  ): Promise<RatingModel> {
    const o = { ...DEFAULT_RATING_TRAINING, ...options };
    const all = rows ?? Int32Array.from({ length: ratings.rating.length }, (_, i) => i);
    assertKnownMovies(
      Int32Array.from(all, (i) => ratings.movieId[i]),
      ctx.movieById,
      "training ratings",
    );
    const { fit, val } = holdOutMovies(ratings, all, o.valFraction, o.seed);
    const fitFeatures = await outOfFoldUserFeatures(ratings, fit, ctx.groups, 5, o.seed);
    await yieldToEventLoop();
    const fitStats = learnUserStats(ratings, fit, ctx.groups);
    await yieldToEventLoop();
    const userIds = [...new Set(Array.from(fit, (i) => ratings.userId[i]))].sort((a, b) => a - b);
    const userIndex = new Map(userIds.map((u, k) => [u, k + 1]));
    const config: HybridConfig = {
      nUsers: userIds.length,
      contentDim: ctx.features.names.length,
      userFeatureDim: USER_FEATURE_NAMES.length,
      factors: o.factors,
      hidden: o.hidden,
      l2: o.l2,
      userL2: o.userL2,
      globalMean: fitStats.globalMean,
      seed: deriveSeed(o.seed, "rating-network"),
    };
    const net = buildHybridModel(config);
    const model = new RatingModel(net, userIndex, fitStats, ctx, [], config);
    const batches = new TrainingBatches(net, config, ctx, ratings, fit, userIndex, fitFeatures);
    // Too few movies to hold any out (one or a few): early stopping watches the training rows.
    const validate = validationLoss(model, ratings, val.length > 0 ? val : fit);
    const batchSize = trainingBatchSize(fit.length, o);
    const { history, bestEpoch } = await trainWithEarlyStopping(
      net,
      fit.length,
      (idx) => batches.loss(idx),
      validate,
      {
        ...o,
        batchSize,
        rowsOf: (idx) => batches.userRows(idx),
        lrPatience: 2,
        minLearningRate: 1e-5,
      },
    );
    model.history.push(...history);
    model.run = {
      batchSize,
      bestEpoch,
      stoppedBy: history.length - bestEpoch >= o.patience ? "early stopping" : "epoch limit",
      heldOutRows: val.length,
    };
    return model;
  }

  /** Predicted ratings for (user, movie) pairs, clipped to [1, 5]; unseen users get the cold-user prediction. */
  predict(userIds: Int32Array, movieIds: Int32Array): Float32Array {
    assertKnownMovies(movieIds, this.ctx.movieById, "prediction queries");
    const out = new Float32Array(userIds.length);
    for (let s = 0; s < userIds.length; s += PREDICT_CHUNK)
      this.predictChunk(userIds, movieIds, s, out);
    return out;
  }

  /**
   * {@link predict}, letting the event loop run between chunks of {@link PREDICT_CHUNK} rows: what a
   * server uses, so that a large request does not keep other requests waiting.
   */
  async predictYielding(userIds: Int32Array, movieIds: Int32Array): Promise<Float32Array> {
    assertKnownMovies(movieIds, this.ctx.movieById, "prediction queries");
    const out = new Float32Array(userIds.length);
    for (let s = 0; s < userIds.length; s += PREDICT_CHUNK) {
      this.predictChunk(userIds, movieIds, s, out);
      await yieldToEventLoop();
    }
    return out;
  }

  /** Predicts rows [from, from + PREDICT_CHUNK) into `out`: memory bounded by the chunk, not the request. */
  private predictChunk(
    allUsers: Int32Array,
    allMovies: Int32Array,
    from: number,
    out: Float32Array,
  ): void {
    const userIds = allUsers.subarray(from, from + PREDICT_CHUNK);
    const movieIds = allMovies.subarray(from, from + PREDICT_CHUNK);
    const n = userIds.length;
    const feats = userFeaturesFor(this.stats, userIds, movieIds, this.ctx.groups);
    const width = this.config.contentDim;
    const content = gatherRows(
      { values: this.ctx.features.values, width },
      Int32Array.from(movieIds, (m) => this.ctx.features.rowOf.get(m)!),
    ).values;
    const pred = tf.tidy(() => {
      const users = tf.tensor2d(
        Int32Array.from(userIds, (u) => this.userIndex.get(u) ?? 0),
        [n, 1],
        "int32",
      );
      // One batch per chunk (predict's default batch of 32 rows is much slower here).
      const y = this.net.predict(
        [
          users,
          tf.tensor2d(content, [n, width]),
          tf.tensor2d(feats, [n, USER_FEATURE_NAMES.length]),
        ],
        { batchSize: PREDICT_CHUNK },
      ) as tf.Tensor;
      return tf.clipByValue(y.reshape([-1]), 1, 5);
    });
    out.set(pred.dataSync() as Float32Array, from);
    pred.dispose();
  }

  /** Saves network and preprocessing state in one folder, atomically (see saveModelDir). */
  async save(dir: string): Promise<void> {
    await saveModelDir(this.net, dir, this.savedState());
  }

  /** The files {@link save} writes, in memory (see modelFolderFiles); {@link fromFiles} reads them. */
  folderFiles(): Promise<Record<string, Uint8Array>> {
    return modelFolderFiles(this.net, this.savedState());
  }

  /** What a saved model keeps besides its network. */
  private savedState(): Record<string, unknown> {
    const state: SavedState = {
      kind: "cold-start-rating",
      format: RATING_MODEL_FORMAT,
      config: this.config,
      userIds: [...this.userIndex.keys()],
      stats: userStatsToJson(this.stats),
      embeddingModel: this.ctx.embeddingModel,
      featureSpec: this.ctx.spec,
      featureNames: this.ctx.features.names,
      history: this.history,
    };
    return state as unknown as Record<string, unknown>;
  }

  /**
   * Loads a saved model beside a movie table and its embeddings (`ctx`, which may hold movies added
   * since training). The features are recomputed with the spec saved at training time, so the
   * movies the model knew get exactly the features it was trained with; the embedding model must
   * be the one it was trained with.
   */
  static async load(dir: string, current: RatingContext): Promise<RatingModel> {
    return RatingModel.fromSaved(await loadModelDir<SavedState>(dir), current, dir);
  }

  /**
   * {@link load} from a model folder's files in memory ({@link folderFiles}); errors name `where`
   * they came from.
   */
  static async fromFiles(
    files: Record<string, Uint8Array>,
    current: RatingContext,
    where: string,
  ): Promise<RatingModel> {
    return RatingModel.fromSaved(await loadModelFiles<SavedState>(files, where), current, where);
  }

  /**
   * The model from a loaded network and its saved state, checked against the context; errors name
   * `where` they came from.
   */
  private static fromSaved(
    { model, metadata }: { model: tf.LayersModel; metadata: SavedState },
    current: RatingContext,
    where: string,
  ): RatingModel {
    // Not the model asked for: the folder is sound, its content is another model's.
    if (metadata.kind !== "cold-start-rating")
      throw new ModelFilesError(`${where}: not a rating model (kind ${String(metadata.kind)})`);
    if (metadata.format !== RATING_MODEL_FORMAT)
      throw new ModelFilesError(
        `${where}: a rating model of format ${JSON.stringify(metadata.format ?? "0 (unversioned)")}, this version reads format ${RATING_MODEL_FORMAT}: train the model again`,
      );
    if (metadata.embeddingModel !== current.embeddingModel) {
      throw new ModelFilesError(
        `${where}: saved with features of embedding model ${metadata.embeddingModel}, context has ${current.embeddingModel}`,
      );
    }
    const ctx = buildRatingContext(
      current.movies,
      current.embedding ?? undefined,
      metadata.featureSpec,
    );
    if (metadata.featureNames.join() !== ctx.features.names.join())
      throw new ModelFilesError(
        `${where}: its feature spec gives other columns than it was trained with`,
      );
    const stats = userStatsFromJson(metadata.stats);
    return new RatingModel(
      model,
      new Map(metadata.userIds.map((u, k) => [u, k + 1])),
      stats,
      ctx,
      metadata.history,
      metadata.config,
    );
  }
}

/**
 * The rows `all` split by movie: a seeded `valFraction` of the movies is held out (`val`) for
 * early stopping, as test movies are new movies; the rest is trained on (`fit`).
 */
function holdOutMovies(
  ratings: Ratings,
  all: Int32Array,
  valFraction: number,
  seed: number,
): { fit: Int32Array; val: Int32Array } {
  const movieIds = [...new Set(Array.from(all, (i) => ratings.movieId[i]))].sort((a, b) => a - b);
  const valMovies = new Set(
    new SeededRandom(deriveSeed(seed, "rating-holdout")).sample(
      movieIds,
      Math.round(movieIds.length * valFraction),
    ),
  );
  return {
    fit: all.filter((i) => !valMovies.has(ratings.movieId[i])),
    val: all.filter((i) => valMovies.has(ratings.movieId[i])),
  };
}

/**
 * The training rows as the network takes them, and each batch's loss. Batches are copied out of
 * typed arrays in JavaScript: a tfjs gather inside the loss would copy its whole source tensor
 * for the backward pass (the wasm backend clones gather inputs), which made every batch cost as
 * much as the training set, and time per epoch grow with rows².
 */
class TrainingBatches {
  private readonly users: Int32Array;
  private readonly contentRows: Int32Array;
  private readonly targets: Float32Array;

  constructor(
    private readonly net: tf.LayersModel,
    private readonly config: HybridConfig,
    private readonly ctx: RatingContext,
    ratings: Ratings,
    fit: Int32Array,
    userIndex: Map<number, number>,
    /** The out-of-fold user features of the `fit` rows, row-major. */
    private readonly userFeatures: Float32Array,
  ) {
    this.users = Int32Array.from(fit, (i) => userIndex.get(ratings.userId[i]) ?? 0);
    this.contentRows = Int32Array.from(fit, (i) => ctx.features.rowOf.get(ratings.movieId[i])!);
    this.targets = Float32Array.from(fit, (i) => ratings.rating[i]);
  }

  /** The user-table row of each training row in `idx` (what the row-sparse tables update). */
  userRows(idx: number[]): Int32Array {
    return Int32Array.from(idx, (i) => this.users[i]);
  }

  /** The loss of the training rows `idx`: their MSE plus the kernels' L2 penalties. */
  loss(idx: number[]): tf.Scalar {
    const { contentDim, userFeatureDim } = this.config;
    const b = idx.length;
    const users = Int32Array.from(idx, (i) => this.users[i]);
    const x = gatherRows(
      { values: this.ctx.features.values, width: contentDim },
      Int32Array.from(idx, (i) => this.contentRows[i]),
    ).values;
    const feats = gatherRows({ values: this.userFeatures, width: userFeatureDim }, idx).values;
    const y = Float32Array.from(idx, (i) => this.targets[i]);
    const pred = this.net.apply([
      tf.tensor2d(users, [b, 1], "int32"),
      tf.tensor2d(x, [b, contentDim]),
      tf.tensor2d(feats, [b, userFeatureDim]),
    ]) as tf.Tensor;
    const mse = tf.losses.meanSquaredError(tf.tensor1d(y), pred.reshape([-1]));
    // The kernels' L2 penalties (each layer's kernelRegularizer, see buildHybridModel).
    return tf.addN([mse, ...this.net.calculateLosses()]) as tf.Scalar;
  }
}

/** The validation MSE of `model` on the held-out rows `val` (0 when none are held out). */
function validationLoss(model: RatingModel, ratings: Ratings, val: Int32Array): () => number {
  const users = Int32Array.from(val, (i) => ratings.userId[i]);
  const movies = Int32Array.from(val, (i) => ratings.movieId[i]);
  const targets = Float32Array.from(val, (i) => ratings.rating[i]);
  return () => (val.length === 0 ? 0 : mse(model.predict(users, movies), targets));
}
