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

/** Response schemas shared by the routes (documentation and serialisation). */
export const ERROR_RESPONSES = {
  400: { ...errorSchema, description: "Malformed CSV: the message names row and column." },
  403: { ...errorSchema, description: "A foreign Origin or Host (cross-site or DNS rebinding)." },
  408: { ...errorSchema, description: "The request took longer than the request timeout to send." },
  409: { ...errorSchema, description: "No model yet, or a training already running." },
  413: { ...errorSchema, description: "Over the size, row or form-field limit." },
  415: {
    ...errorSchema,
    description: "Neither a multipart `file` nor a `text/csv` body, or a compressed body.",
  },
  503: {
    ...errorSchema,
    description:
      "MODEL_DIR cannot be written (read-only, full, ...): nothing saved, old model kept.",
  },
};
