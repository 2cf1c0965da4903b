import { embedWithCache } from "../../embeddings/embedding-cache";
import {
  chooseEmbeddingModel,
  type EmbeddingModelChoice,
} from "../../embeddings/embedding-model-choice";
import { OverviewEmbedder } from "../../embeddings/overview-embedder";
import { readMovies } from "../data/rating-tables";
import { buildRatingContext, type RatingContext } from "./rating-context";

/** A rating context with overview embeddings, and what made them. */
export interface LoadedRatingContext {
  ctx: RatingContext;
  /** The embedding model chosen (see chooseEmbeddingModel) and why. */
  choice: EmbeddingModelChoice;
  /** Embedding width, and how many overviews were embedded now rather than read from the cache. */
  dim: number;
  computed: number;
}

/**
 * Reads `df_movies`, chooses the embedding model, embeds every overview through the cache and
 * builds the rating context: the one way the notebook, the API and the benchmarks get it.
 * `testModelIfMissing` lets a caller that says so in its output (the notebooks) run on the
 * random-weight test model where distilbert-base-uncased is missing; without it, only
 * `EMBEDDING_MODEL=test` chooses that model.
 *
 * @example
 * const { ctx, choice } = await loadRatingContext({ quiet: true });
 */
export async function loadRatingContext(
  options: { moviesPath?: string; quiet?: boolean; testModelIfMissing?: boolean } = {},
): Promise<LoadedRatingContext> {
  const movies = readMovies(options.moviesPath);
  const choice = chooseEmbeddingModel({ testModelIfMissing: options.testModelIfMissing });
  const embedder = await OverviewEmbedder.load({ model: choice.model });
  const emb = await embedWithCache(
    movies.map((m) => m.overview),
    embedder,
    { batchSize: 32, quiet: options.quiet },
  );
  const ctx = buildRatingContext(movies, {
    vectors: emb.vectors,
    dim: emb.dim,
    model: embedder.model,
    isTestModel: choice.isTestModel,
  });
  return { ctx, choice, dim: emb.dim, computed: emb.computed };
}
