import { type Readable, Transform, type TransformCallback } from "node:stream";

import type { Multipart } from "@fastify/multipart";
import type { FastifyRequest } from "fastify";

import { CsvError } from "../io/csv";
import { type Columns, type ColumnSchema, readCsvColumns } from "../io/csv-columns";
import { ServiceError } from "./service-error";

/** The field a multipart upload carries its CSV in, as `curl -F file=@df_train.csv` sends it. */
export const UPLOAD_FIELD = "file";

/** Most plain form fields a multipart upload may carry besides its file. */
export const MAX_FORM_FIELDS = 10;

/**
 * What an error of the multipart parser means for the client: @fastify/multipart's own errors
 * (a file over the size limit, too many parts, ...) carry their HTTP status and answer with it;
 * anything else the parser throws is busboy finding the form malformed, the client's problem.
 */
function formProblem(err: unknown): Error {
  if ((err as { statusCode?: number }).statusCode) return err as Error;
  return new ServiceError(
    "invalid_multipart",
    `malformed multipart upload: ${(err as Error).message ?? String(err)}`,
  );
}

/** An upload's columns and the name its messages give it. */
export interface ParsedUpload<T> {
  columns: T;
  source: string;
}

/** Limits of one upload: its size in bytes and its rows. */
export interface UploadLimits {
  maxBytes: number;
  maxRows: number;
}

/** The 413 of an upload over its size limit. */
function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError(
    "too_large",
    `the upload is larger than the limit of ${maxBytes} bytes (MAX_UPLOAD_MB)`,
  );
}

/**
 * Fails `stream` when the client closes its connection before its request body is complete,
 * so that a parse waiting for the rest of an upload ends (and the training it holds up with it)
 * instead of waiting forever.
 */
function failWhenClientLeaves(request: FastifyRequest, stream: Readable): void {
  request.raw.once("close", () => {
    if (!request.raw.complete && !stream.destroyed)
      stream.destroy(new Error("the client closed the connection before the upload was complete"));
  });
}

/** Passes bytes through until more than `maxBytes` have come, then fails with a 413. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) done(tooLarge(this.maxBytes));
    else done(null, chunk);
  }
}

/**
 * Parses a request's CSV into typed columns as it arrives, from the multipart file in field
 * `file` or a `text/csv` (or `text/plain`) body: the body is never held whole, as text or as row
 * objects. Over `limits.maxBytes` is a 413 `too_large`, past `limits.maxRows` a 413
 * `too_many_rows` at the first row too many, a form with more than {@link MAX_FORM_FIELDS} other
 * fields a 413 `too_many_fields`; a bad cell is the parser's {@link CsvError} (row, column).
 *
 * @example
 * const { columns, source } = await readCsvUpload(request, QUERIES_SCHEMA, { maxBytes: 1 << 25, maxRows: 1e6 });
 */
export async function readCsvUpload<S extends ColumnSchema>(
  request: FastifyRequest,
  schema: S,
  limits: UploadLimits,
): Promise<ParsedUpload<Columns<S>>> {
  if (request.isMultipart()) return readMultipart(request, schema, limits);
  const body = request.body as Readable | undefined;
  if (!body || typeof body.pipe !== "function")
    throw new ServiceError(
      "unsupported_media_type",
      `send the CSV as multipart field "${UPLOAD_FIELD}" or as a text/csv body`,
    );
  const declared = Number(request.headers["content-length"]);
  if (declared > limits.maxBytes) {
    body.resume();
    throw tooLarge(limits.maxBytes);
  }
  const source = "request body";
  const limited = new ByteLimit(limits.maxBytes);
  // Past the limit the pipe stops; the rest is read and discarded, so the client gets its 413.
  limited.once("error", () => body.resume());
  failWhenClientLeaves(request, limited);
  body.pipe(limited);
  return {
    columns: await readCsvColumns(limited, source, schema, rowLimit(source, limits)),
    source,
  };
}

/** The row limit of an upload: a 413 naming the limit at the first row past it. */
function rowLimit(source: string, limits: UploadLimits) {
  return {
    maxRows: limits.maxRows,
    tooMany: () =>
      new ServiceError(
        "too_many_rows",
        `${source}: more than ${limits.maxRows} rows; at most ${limits.maxRows} per request`,
      ),
  };
}

async function readMultipart<S extends ColumnSchema>(
  request: FastifyRequest,
  schema: S,
  limits: UploadLimits,
): Promise<ParsedUpload<Columns<S>>> {
  let fields = 0;
  // busboy's own field limit is one above ours, so that ours is always the one that answers.
  const form = request.parts({
    limits: { fields: MAX_FORM_FIELDS + 1, fileSize: limits.maxBytes },
  });
  const parts = form[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Multipart>;
      try {
        next = await parts.next();
      } catch (err) {
        throw formProblem(err);
      }
      if (next.done) break;
      const part = next.value;
      if (part.type === "field") {
        if (++fields > MAX_FORM_FIELDS)
          throw new ServiceError(
            "too_many_fields",
            `the multipart form has more than ${MAX_FORM_FIELDS} fields besides "${UPLOAD_FIELD}"; send the CSV alone`,
          );
        continue;
      }
      if (part.fieldname !== UPLOAD_FIELD) {
        part.file.resume();
        throw new ServiceError(
          "missing_file",
          `the CSV must be in multipart field "${UPLOAD_FIELD}", not "${part.fieldname}"`,
        );
      }
      const source = part.filename || "upload";
      failWhenClientLeaves(request, part.file);
      let columns: Columns<S>;
      try {
        columns = await readCsvColumns(part.file, source, schema, rowLimit(source, limits));
      } catch (err) {
        // Cut at the size limit, the file's last row is cut too: the size is the problem.
        if (part.file.truncated) throw tooLarge(limits.maxBytes);
        // The CSV's own problems are typed; anything else came from the form's file stream.
        if (err instanceof CsvError || err instanceof ServiceError) throw err;
        throw formProblem(err);
      }
      if (part.file.truncated) throw tooLarge(limits.maxBytes);
      return { columns, source };
    }
  } finally {
    await parts.return?.();
  }
  throw new ServiceError(
    "missing_file",
    `the multipart upload has no file: send the CSV in field "${UPLOAD_FIELD}"`,
  );
}
