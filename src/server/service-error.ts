import { CsvError } from "../io/csv";

/**
 * Every error the API answers with, by its code: the HTTP status and when it is answered. The
 * one place a status is chosen: {@link ServiceError} takes its status from here, and the OpenAPI
 * document lists each status with these reasons (see openapi.ts).
 */
export const API_ERRORS = {
  invalid_csv: { status: 400, when: "a malformed CSV (the message names row and column)" },
  invalid_multipart: { status: 400, when: "a malformed multipart form" },
  missing_file: { status: 400, when: "a multipart form without the CSV in field `file`" },
  forbidden_host: { status: 403, when: "a `Host` this server is not bound to (DNS rebinding)" },
  forbidden_origin: { status: 403, when: "an `Origin` that is not this server (cross-site)" },
  not_found: { status: 404, when: "no such route" },
  request_timeout: { status: 408, when: "the request was not sent in full in time" },
  not_trained: { status: 409, when: "predict before any training" },
  model_not_loaded: { status: 409, when: "the saved model could not be loaded" },
  training_in_progress: { status: 409, when: "a training already runs" },
  too_large: { status: 413, when: "over the upload size limit (MAX_UPLOAD_MB)" },
  too_many_rows: {
    status: 413,
    when: "over the row limit (MAX_TRAIN_ROWS, or 1,000,000 a predict)",
  },
  too_many_fields: { status: 413, when: "over 10 form fields besides `file`" },
  unsupported_media_type: {
    status: 415,
    when: "neither a multipart `file` nor a `text/csv` body",
  },
  unsupported_encoding: { status: 415, when: "a compressed body (`Content-Encoding`)" },
  internal_error: { status: 500, when: "a fault of the server itself" },
  model_dir_not_writable: {
    status: 503,
    when: "MODEL_DIR cannot be written (checked before training): nothing trained",
  },
  model_not_saved: {
    status: 503,
    when: "the save failed (full, read-only, permission): the previous model is kept",
  },
} as const satisfies Record<string, { status: number; when: string }>;

/** The code of an API error: a key of {@link API_ERRORS}. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error the API answers with the status {@link API_ERRORS} gives its code and a JSON body. */
export class ServiceError extends Error {
  override name = "ServiceError";
  /** HTTP status to answer with. */
  readonly statusCode: number;
  constructor(
    /** Short machine-readable code, e.g. `training_in_progress`. */
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = API_ERRORS[code].status;
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: string;
  message: string;
  row?: number;
  column?: string;
}

/**
 * Turns any error into a status and a JSON body: ServiceError as it says, CsvError as 400 with row
 * and column, Fastify's own client errors (413, 415, ...) with their status, anything else as 500.
 *
 * @example
 * const { status, body } = errorAnswer(new ServiceError("not_trained", "train first"));
 */
export function errorAnswer(err: unknown): { status: number; body: ErrorBody } {
  const answer = errorAnswerOf(err);
  // Whatever an error quotes, the answer stays small.
  answer.body.message = answer.body.message.slice(0, MAX_MESSAGE);
  return answer;
}

/** Longest error message an answer carries, in characters. */
export const MAX_MESSAGE = 2000;

function errorAnswerOf(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ServiceError)
    return { status: err.statusCode, body: { error: err.code, message: err.message } };
  if (err instanceof CsvError) {
    const body: ErrorBody = { error: "invalid_csv", message: err.message };
    if (err.row !== undefined) body.row = err.row;
    if (err.column !== undefined) body.column = err.column;
    return { status: 400, body };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  const status = typeof e.statusCode === "number" && e.statusCode >= 400 ? e.statusCode : 500;
  const error = status === 413 ? "too_large" : status === 415 ? "unsupported_media_type" : null;
  return {
    status,
    body: {
      error: error ?? (status < 500 ? (e.code ?? "bad_request") : "internal_error"),
      message: e.message ?? String(err),
    },
  };
}
