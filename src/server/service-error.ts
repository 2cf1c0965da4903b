import { CsvError } from "../io/csv";

/** An error the API answers with a status code and a JSON body naming the problem. */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    /** HTTP status to answer with. */
    readonly statusCode: number,
    /** Short machine-readable code, e.g. `training_in_progress`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
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
 * const { status, body } = errorAnswer(new ServiceError(409, "not_trained", "train first"));
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
