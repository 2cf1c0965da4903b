import type { FastifyRequest } from "fastify";

import { ServiceError } from "./service-error";

/** The field a multipart upload carries its CSV in, as `curl -F file=@df_train.csv` sends it. */
export const UPLOAD_FIELD = "file";

/**
 * The CSV text of a request and a name for messages: the multipart file in field `file`, or a
 * `text/csv` (or `text/plain`) body.
 */
export async function readCsvUpload(
  request: FastifyRequest,
): Promise<{ text: string; source: string }> {
  if (request.isMultipart()) {
    const part = await request.file().catch((err: Error) => {
      // busboy's complaints about the form itself (no boundary, a broken part header, a body
      // cut short) are the client's problem, not the server's.
      throw /^(Multipart|Malformed|Unexpected end)/.test(err.message)
        ? new ServiceError(400, "invalid_multipart", `malformed multipart upload: ${err.message}`)
        : err;
    });
    if (!part)
      throw new ServiceError(
        400,
        "missing_file",
        `the multipart upload has no file: send the CSV in field "${UPLOAD_FIELD}"`,
      );
    if (part.fieldname !== UPLOAD_FIELD) {
      part.file.resume();
      throw new ServiceError(
        400,
        "missing_file",
        `the CSV must be in multipart field "${UPLOAD_FIELD}", not "${part.fieldname}"`,
      );
    }
    const bytes = await part.toBuffer().catch((err: Error & { statusCode?: number }) => {
      throw err.statusCode || !/^(Multipart|Malformed|Unexpected end)/.test(err.message)
        ? err
        : new ServiceError(400, "invalid_multipart", `malformed multipart upload: ${err.message}`);
    });
    return { text: bytes.toString("utf8"), source: part.filename || "upload" };
  }
  if (typeof request.body === "string") return { text: request.body, source: "request body" };
  throw new ServiceError(
    415,
    "unsupported_media_type",
    `send the CSV as multipart field "${UPLOAD_FIELD}" or as a text/csv body`,
  );
}
