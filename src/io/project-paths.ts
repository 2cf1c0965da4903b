import { join, resolve } from "node:path";

/**
 * The project's root folder (where package.json lives), found from this file's place rather than
 * from the working directory, so that a CLI, the server, a test and a notebook started anywhere
 * read and write the same files.
 */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** The data sets with their PROVENANCE.md. */
export const DATA_DIR = join(PROJECT_ROOT, "data");
/** `df_train.csv`, `df_test.csv`, `df_movies.csv`. */
export const RATINGS_DIR = join(DATA_DIR, "ratings");
/** The three particle `.npz` files. */
export const PARTICLES_DIR = join(DATA_DIR, "particles");

/**
 * The path of the public particle data set named by its hash.
 *
 * @example
 * particleDataFile("5bf4506e86"); // <root>/data/particles/5bf4506e86.npz
 */
export function particleDataFile(hash: string): string {
  return join(PARTICLES_DIR, `${hash}.npz`);
}
/** The shipped tokenizer vocabulary (see data/tokenizer/PROVENANCE.md). */
export const TOKENIZER_DIR = join(DATA_DIR, "tokenizer");
/** Generated, reusable files (gitignored): model files and embeddings. */
export const CACHE_DIR = join(PROJECT_ROOT, ".cache");
/** Generated model and tokenizer files, and local copies of hub models. */
export const MODEL_CACHE_DIR = join(CACHE_DIR, "models");
/** Cached overview embeddings. */
export const EMBEDDING_CACHE_DIR = join(CACHE_DIR, "embeddings");
/** Measured tables and figures kept with the code (the benchmarks write them). */
export const DOCS_DIR = join(PROJECT_ROOT, "docs");
/** Generated reports and artefacts (gitignored). */
export const OUTPUTS_DIR = join(PROJECT_ROOT, "outputs");
