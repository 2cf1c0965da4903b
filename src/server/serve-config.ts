/**
 * The server's environment variables (HOST, PORT, MOVIES_CSV, MODEL_DIR, MAX_UPLOAD_MB,
 * MAX_TRAIN_ROWS, REQUEST_TIMEOUT_S, ALLOWED_HOSTS), read and checked here, and their defaults.
 * Kept apart from serve.ts so that a caller that only needs the configuration (the challenge
 * CLI's default port) does not load the server, the model and the embedder.
 */
import { join } from "node:path";

import { PROJECT_ROOT, RATINGS_DIR } from "../io/project-paths";

/** The names of this machine's loopback interface, always accepted in a `Host` header. */
export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"] as const;

/** Default longest time to send one request (REQUEST_TIMEOUT_S): two minutes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** Default upload limit: 1 GiB. Uploads are parsed as they arrive, so the rows bound memory, not the bytes. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024 * 1024;

/**
 * Default of MAX_TRAIN_ROWS: a training this size fits a machine of 24 GB with room to spare (the
 * server's peak memory per rating is measured by `npm run bench:scale -- --api`).
 */
export const DEFAULT_MAX_TRAIN_ROWS = 20_000_000;

/**
 * Every environment variable the server reads, with its default and meaning: the one list that
 * `npm run serve -- --help` and docs/api.md show.
 */
export const SERVE_ENVIRONMENT: readonly { name: string; default: string; meaning: string }[] = [
  { name: "HOST", default: "127.0.0.1", meaning: "the interface to listen on" },
  { name: "PORT", default: "9876", meaning: "the port to listen on" },
  {
    name: "MOVIES_CSV",
    default: "data/ratings/df_movies.csv",
    meaning: "the movie metadata (every movie a rating or query may name)",
  },
  {
    name: "MODEL_DIR",
    default: "models/ratings",
    meaning: "where the trained model is saved (a link to a version folder) and loaded from",
  },
  {
    name: "MAX_UPLOAD_MB",
    default: String(DEFAULT_BODY_LIMIT / 1024 ** 2),
    meaning: "the largest upload, in MiB",
  },
  {
    name: "MAX_TRAIN_ROWS",
    default: String(DEFAULT_MAX_TRAIN_ROWS),
    meaning: "the most rows one training upload may carry",
  },
  {
    name: "REQUEST_TIMEOUT_S",
    default: String(DEFAULT_REQUEST_TIMEOUT_MS / 1000),
    meaning: "the longest time a client may take to send one request",
  },
  {
    name: "ALLOWED_HOSTS",
    default: "(none)",
    meaning: `more names the server may be reached by, comma-separated, besides ${LOOPBACK_HOSTS.join(", ")} (bound to 0.0.0.0, any name is accepted and only the Origin check applies)`,
  },
  {
    name: "EMBEDDING_MODEL",
    default: "Xenova/distilbert-base-uncased",
    meaning:
      "the overview embedding model: a hub id or a local folder; `test` chooses the random-weight test model explicitly (the server then says so in every answer); without the real model and without `test` the server refuses to start",
  },
];

/** Where the server listens and what it reads, from the environment. */
export interface ServeConfig {
  host: string;
  port: number;
  moviesCsv: string;
  modelDir: string;
  bodyLimit: number;
  /** Most rows one training upload may carry. */
  maxTrainRows: number;
  /** Longest time a client may take to send one request, in milliseconds. */
  requestTimeoutMs: number;
  /** Host names accepted in a request's Host header (see foreignRequest), or "any". */
  allowedHosts: readonly string[] | "any";
}

/** Reads {@link ServeConfig} from environment variables, with the defaults above; rejects bad values. */
export function serveConfig(env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const port = Number(env.PORT ?? 9876);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be an integer in [0, 65535], got ${env.PORT}`);
  const mb = Number(env.MAX_UPLOAD_MB ?? DEFAULT_BODY_LIMIT / 1024 / 1024);
  if (!(mb > 0))
    throw new Error(`MAX_UPLOAD_MB must be a positive number, got ${env.MAX_UPLOAD_MB}`);
  const maxTrainRows = Number(env.MAX_TRAIN_ROWS ?? DEFAULT_MAX_TRAIN_ROWS);
  if (!Number.isSafeInteger(maxTrainRows) || maxTrainRows < 1)
    throw new Error(`MAX_TRAIN_ROWS must be a positive integer, got ${env.MAX_TRAIN_ROWS}`);
  const timeout = Number(env.REQUEST_TIMEOUT_S ?? DEFAULT_REQUEST_TIMEOUT_MS / 1000);
  if (!(timeout > 0))
    throw new Error(`REQUEST_TIMEOUT_S must be a positive number, got ${env.REQUEST_TIMEOUT_S}`);
  const host = env.HOST ?? "127.0.0.1";
  const extra = (env.ALLOWED_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  // Bound to every interface, the server cannot know the names it is reached by: like Jupyter's
  // allow_remote_access, the Host check is off (the Origin check stays).
  const everywhere = ["0.0.0.0", "::", "[::]"].includes(host);
  return {
    host,
    port,
    moviesCsv: env.MOVIES_CSV ?? join(RATINGS_DIR, "df_movies.csv"),
    modelDir: env.MODEL_DIR ?? join(PROJECT_ROOT, "models", "ratings"),
    bodyLimit: Math.round(mb * 1024 * 1024),
    maxTrainRows,
    requestTimeoutMs: Math.round(timeout * 1000),
    allowedHosts: everywhere
      ? "any"
      : [...new Set([host.toLowerCase(), ...LOOPBACK_HOSTS, ...extra])],
  };
}
