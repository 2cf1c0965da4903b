import { API_ERRORS } from "./service-error";

/** OpenAPI description of the API's header (title, version, what it does). */
export const OPENAPI_INFO = {
  title: "Cold-start rating API",
  version: "0.1.0",
  description:
    "Trains the cold-start movie rating model on a CSV of ratings and predicts ratings of (user, movie) pairs, as the challenge prescribes. CSVs go in a multipart field `file` or as a `text/csv` body.",
};

const csvBody = (columns: string, example: string): Record<string, unknown> => ({
  required: true,
  description: `A CSV with header \`${columns}\` (columns in any order).`,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object",
        required: ["file"],
        properties: { file: { type: "string", format: "binary" } },
      },
    },
    "text/csv": { schema: { type: "string" }, example },
  },
});

/** Request bodies of the CSV routes, which Fastify reads itself and so cannot describe by schema. */
export const CSV_REQUEST_BODIES: Record<string, Record<string, unknown>> = {
  "/ratings/train": csvBody(
    "userId,rating,movieId",
    "userId,rating,movieId\n1,4.0,31\n1,3.5,1029\n",
  ),
  "/ratings/predict": csvBody("userId,movieId", "userId,movieId\n1,1\n1,2\n"),
};

/** Adds {@link CSV_REQUEST_BODIES} to the POST operations of a generated OpenAPI document. */
export function withCsvBodies<T extends { paths?: Record<string, Record<string, unknown>> }>(
  doc: T,
): T {
  for (const [path, body] of Object.entries(CSV_REQUEST_BODIES)) {
    const post = doc.paths?.[path]?.post as Record<string, unknown> | undefined;
    if (post) post.requestBody = body;
  }
  return doc;
}

const errorSchema = {
  type: "object",
  description: "What went wrong; `row` (1-based, header excluded) and `column` when known.",
  properties: {
    error: { type: "string" },
    message: { type: "string" },
    row: { type: "integer" },
    column: { type: "string" },
  },
  required: ["error", "message"],
};

/**
 * Response schemas shared by the routes (documentation and serialisation): one per status of
 * {@link API_ERRORS} (404 aside, which no route answers), describing every code it is answered with.
 */
export const ERROR_RESPONSES: Record<number, typeof errorSchema & { description: string }> = {};
for (const [code, { status, when }] of Object.entries(API_ERRORS)) {
  if (status === 404) continue;
  const reasons = ERROR_RESPONSES[status]?.description;
  const line = `\`${code}\`: ${when}.`;
  ERROR_RESPONSES[status] = {
    ...errorSchema,
    description: reasons ? `${reasons} ${line}` : line,
  };
}
