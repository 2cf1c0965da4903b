import type { FastifyRequest } from "fastify";

import { ServiceError } from "./service-error";

/** The field a multipart upload carries its CSV in, as `curl -F file=@df_train.csv` sends it. */
export const UPLOAD_FIELD = "file";

/** Most plain form fields a multipart upload may carry besides its file. */
export const MAX_FORM_FIELDS = 10;

/** busboy's complaints about the form itself: the client's problem, not the server's. */
const MALFORMED = /^(Multipart|Malformed|Unexpected end)/;

/**
 * The CSV text of a request and a name for messages: the multipart file in field `file`, or a
 * `text/csv` (or `text/plain`) body. A form with more than {@link MAX_FORM_FIELDS} other fields is
 * refused (413) as soon as the one too many arrives.
 */
export async function readCsvUpload(
  request: FastifyRequest,
): Promise<{ text: string; source: string }> {
  if (request.isMultipart()) {
    let fields = 0;
    try {
      // busboy's own field limit is one above ours, so that ours is always the one that answers.
      for await (const part of request.parts({ limits: { fields: MAX_FORM_FIELDS + 1 } })) {
        if (part.type === "field") {
          if (++fields > MAX_FORM_FIELDS)
            throw new ServiceError(
              413,
              "too_many_fields",
              `the multipart form has more than ${MAX_FORM_FIELDS} fields besides "${UPLOAD_FIELD}"; send the CSV alone`,
            );
          continue;
        }
        if (part.fieldname !== UPLOAD_FIELD) {
          part.file.resume();
          throw new ServiceError(
            400,
            "missing_file",
            `the CSV must be in multipart field "${UPLOAD_FIELD}", not "${part.fieldname}"`,
          );
        }
        const bytes = await part.toBuffer();
        return { text: bytes.toString("utf8"), source: part.filename || "upload" };
      }
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      if (!(err instanceof ServiceError) && !e.statusCode && MALFORMED.test(e.message))
        throw new ServiceError(
          400,
          "invalid_multipart",
          `malformed multipart upload: ${e.message}`,
        );
      throw err;
    }
    throw new ServiceError(
      400,
      "missing_file",
      `the multipart upload has no file: send the CSV in field "${UPLOAD_FIELD}"`,
    );
  }
  if (typeof request.body === "string") return { text: request.body, source: "request body" };
  throw new ServiceError(
    415,
    "unsupported_media_type",
    `send the CSV as multipart field "${UPLOAD_FIELD}" or as a text/csv body`,
  );
}
