import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";

import { folderWriteProblem } from "../io/folder-write-problem";
import { lockModelDir, ModelFilesError, modelHome, recoverModelDir } from "../io/model-folder";
import { PROJECT_ROOT } from "../io/project-paths";
import { mse } from "../math/mse";
import { keepLastRatings } from "../ratings/data/duplicate-ratings";
import { assertKnownMovies, type RatingQueries, type Ratings } from "../ratings/data/rating-tables";
import { submissionJson } from "../ratings/data/submission";
import type { RatingContext } from "../ratings/features/rating-context";
import { RatingModel, type RatingTrainOptions } from "../ratings/model/rating-model";
import type { ParsedUpload } from "./csv-upload";
import { ServiceError } from "./service-error";

/** Most rows one `POST /ratings/predict` may carry. */
export const MAX_PREDICT_ROWS = 1_000_000;

/** What `POST /ratings/train` answers. */
export interface TrainSummary {
  rows: number;
  /** Rows dropped because a later row rates the same (user, movie) pair. */
  duplicatesDropped: number;
  users: number;
  movies: number;
  epochs: number;
  /** The epoch whose weights the model keeps (best validation MSE). */
  bestEpoch: number;
  /** Why training stopped: `early stopping` (patience ran out) or the `epoch limit`. */
  stoppedBy: string;
  /** Rows per batch (grows with the data, see trainingBatchSize). */
  batchSize: number;
  seconds: number;
  /** MSE of the trained model on its own training rows. */
  trainingMse: number;
  /** Best MSE on the held-out training movies (early stopping); null when too few movies to hold any out. */
  validationMse: number | null;
  embeddingModel: string | null;
  /** True when the embeddings come from the random-weight test model (`EMBEDDING_MODEL=test`). */
  testEmbeddingModel: boolean;
  /** Problems that did not stop training, e.g. duplicate rows or the test embedding model. */
  warnings: string[];
}

/**
 * The rating model behind the API: trains from CSV text, saves every trained model atomically to
 * `modelDir`, predicts with the last one, and refuses a second training while one runs (409); the
 * previous model keeps answering predictions meanwhile.
 *
 * @example
 * const service = await RatingService.open(ctx, "models/ratings");
 * const columns = parseRatingsCsv("userId,rating,movieId\n1,4,31\n", "upload.csv");
 * await service.train(async () => ({ columns, source: "upload.csv" }));
 */
export class RatingService {
  private model: RatingModel | null;
  private training = false;
  private writeError: string | null = null;

  private constructor(
    /** Movies and their features. */
    readonly ctx: RatingContext,
    /** Where the trained model is saved and found again after a restart. */
    readonly modelDir: string,
    model: RatingModel | null,
    private readonly options: Partial<RatingTrainOptions>,
    /** Why a model saved in `modelDir` could not be loaded, if so (cleared by a training). */
    private loadError: string | null,
  ) {
    this.model = model;
  }

  /**
   * Why a model could not be saved to `modelDir`, or null when it can. Checked when the service
   * opens and before every training (the versions and the link are written beside `modelDir`),
   * so that a read-only or misplaced MODEL_DIR is reported at once, not after a full training;
   * `/health` reports the last finding.
   */
  private checkWritable(): string | null {
    const problem = folderWriteProblem(dirname(modelHome(this.modelDir)));
    this.writeError =
      problem && `MODEL_DIR is not writable (${redactPaths(problem, this.modelDir)})`;
    return this.writeError;
  }

  /** Opens the service, loading the model saved in `modelDir` if there is one. */
  static async open(
    ctx: RatingContext,
    modelDir: string,
    options: Partial<RatingTrainOptions> = {},
  ): Promise<RatingService> {
    let model: RatingModel | null = null;
    let loadError: string | null = null;
    // One server per MODEL_DIR: a second one would remove the first one's save in progress. A
    // folder that cannot even hold the lock is reported by checkWritable below instead.
    try {
      lockModelDir(modelDir);
    } catch (err) {
      if (err instanceof ModelFilesError) throw err;
    }
    try {
      // Whatever a crash during a save left behind is cleaned up first (see writeModelFolder).
      if (recoverModelDir(modelDir)) model = await RatingModel.load(modelDir, ctx);
    } catch (err) {
      loadError = redactPaths((err as Error).message, modelDir);
    }
    const service = new RatingService(ctx, modelDir, model, options, loadError);
    service.checkWritable();
    return service;
  }

  /** Whether a model is ready, whether one is being trained, and what stops loading or saving one. */
  status(): {
    trained: boolean;
    training: boolean;
    loadError: string | null;
    writeError: string | null;
  } {
    return {
      trained: this.model !== null,
      training: this.training,
      loadError: this.loadError,
      writeError: this.writeError,
    };
  }

  /**
   * The embedding model as answers name it: a hub name as it is, a local folder by its path inside
   * the project or by its own name, never by the server's absolute path.
   */
  embeddingModelName(): string | null {
    const model = this.ctx.embeddingModel;
    if (model === null || !isAbsolute(model)) return model;
    const inside = relative(PROJECT_ROOT, model);
    return inside.startsWith("..") ? basename(model) : inside;
  }

  /**
   * The warning that every answer about the model repeats while the embeddings come from the
   * random-weight test model, or null for a real model.
   */
  embeddingWarning(): string | null {
    return this.ctx.embedding?.isTestModel
      ? `the overview embeddings come from the random-weight TEST model (${this.embeddingModelName()}), chosen by EMBEDDING_MODEL=test: they carry no meaning; provide distilbert-base-uncased for real predictions`
      : null;
  }

  /**
   * Trains on the ratings `upload()` reads (a `userId,rating,movieId` CSV), saves the model, then
   * serves it. A training already running (409) or an unwritable MODEL_DIR (503) is refused
   * before `upload` is called, so that nothing is read for a training that cannot happen.
   */
  async train(upload: () => Promise<ParsedUpload<Ratings>>): Promise<TrainSummary> {
    if (this.training)
      throw new ServiceError(
        "training_in_progress",
        "a model is being trained; try again when it is done",
      );
    const writeError = this.checkWritable();
    if (writeError)
      throw new ServiceError("model_dir_not_writable", `${writeError}: nothing was trained`);
    // Taken before the first await, so that two requests at once cannot both train.
    this.training = true;
    try {
      const { columns: parsed, source } = await upload();
      assertKnownMovies(parsed.movieId, this.ctx.movieById, source);
      const { ratings, duplicates, examples } = keepLastRatings(parsed);
      const started = process.hrtime.bigint();
      const model = await RatingModel.train(ratings, this.ctx, this.options);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      try {
        await model.save(this.modelDir);
      } catch (err) {
        if (!(err instanceof ModelFilesError)) throw err;
        this.writeError = redactPaths(err.message, this.modelDir);
        throw new ServiceError(
          "model_not_saved",
          `${this.writeError}: the trained model was not saved, the previous one is still served`,
        );
      }
      this.writeError = null;
      this.model = model;
      this.loadError = null;
      return {
        rows: parsed.rating.length,
        duplicatesDropped: duplicates,
        users: new Set(ratings.userId).size,
        movies: new Set(ratings.movieId).size,
        epochs: model.history.length,
        bestEpoch: model.run!.bestEpoch,
        stoppedBy: model.run!.stoppedBy,
        batchSize: model.run!.batchSize,
        seconds,
        trainingMse: mse(
          await model.predictYielding(ratings.userId, ratings.movieId),
          ratings.rating,
        ),
        validationMse:
          model.run!.heldOutRows > 0 ? Math.min(...model.history.map((h) => h.valLoss)) : null,
        embeddingModel: this.embeddingModelName(),
        testEmbeddingModel: this.ctx.embedding?.isTestModel ?? false,
        warnings: [
          ...(duplicates > 0
            ? [
                `${source}: ${duplicates} duplicate (userId, movieId) row${duplicates > 1 ? "s" : ""} (rows ${examples.join(", ")}${duplicates > examples.length ? ", ..." : ""}) overridden by a later row: trained on the last rating of each pair`,
              ]
            : []),
          ...(this.embeddingWarning() ? [this.embeddingWarning()!] : []),
          ...(model.run!.heldOutRows === 0
            ? [
                `${source}: too few movies to hold any out for validation: early stopping watched the training rows, and there is no validation MSE`,
              ]
            : []),
        ],
      };
    } finally {
      this.training = false;
    }
  }

  /**
   * Predicts the (user, movie) pairs of a `userId,movieId` CSV, read by `upload()` once a model is
   * known to be there; answers the JSON text `{"0": r0, "1": r1, ...}` in row order. Bounded in
   * time and memory whatever the request: predicted in chunks with the event loop free between
   * them, and the answer written directly as JSON text.
   */
  async predict(upload: () => Promise<ParsedUpload<RatingQueries>>): Promise<string> {
    const model = this.model;
    if (!model && this.loadError)
      throw new ServiceError(
        "model_not_loaded",
        `the saved model could not be loaded (${this.loadError}): POST /ratings/train to train a new one`,
      );
    if (!model)
      throw new ServiceError("not_trained", "no trained model yet: POST /ratings/train first");
    const { columns: queries, source } = await upload();
    assertKnownMovies(queries.movieId, this.ctx.movieById, source);
    const predictions = await model.predictYielding(queries.userId, queries.movieId);
    return submissionJson(predictions);
  }
}

/**
 * A message with the server's absolute paths replaced by names relative to MODEL_DIR: `MODEL_DIR`
 * for the folder, and the bare file name for the versions and files beside it.
 */
export function redactPaths(message: string, modelDir: string): string {
  const pairs: [string, string][] = [];
  const add = (path: string, name: string): void => {
    pairs.push([path, name]);
    try {
      const real = realpathSync(path) + (path.endsWith("/") ? "/" : "");
      pairs.push([real, name]);
    } catch {
      // a path that does not exist is only replaced as written
    }
  };
  const home = modelHome(modelDir);
  add(home, "MODEL_DIR");
  add(resolve(modelDir), "MODEL_DIR");
  add(dirname(home) + "/", "");
  add(dirname(resolve(modelDir)) + "/", "");
  add(dirname(home), "MODEL_DIR/..");
  add(dirname(resolve(modelDir)), "MODEL_DIR/..");
  add(modelDir, "MODEL_DIR");
  let out = message;
  for (const [path, name] of pairs.sort((a, b) => b[0].length - a[0].length))
    if (path.length > 1) out = out.split(path).join(name);
  return out;
}
