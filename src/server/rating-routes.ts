import type { FastifyInstance } from "fastify";

import { QUERIES_SCHEMA, RATINGS_SCHEMA } from "../ratings/data/rating-tables";
import type { AppOptions } from "./app";
import { readCsvUpload } from "./csv-upload";
import { ERROR_RESPONSES } from "./openapi";
import { MAX_PREDICT_ROWS, type RatingService } from "./rating-service";
import { DEFAULT_MAX_TRAIN_ROWS } from "./serve-config";

/**
 * The API's routes over a {@link RatingService}: `GET /health`, `POST /ratings/train`,
 * `POST /ratings/predict` (and `/` redirecting to the docs), with the schemas the OpenAPI
 * document is generated from.
 *
 * @example
 * ratingRoutes(app, service, { bodyLimit: DEFAULT_BODY_LIMIT, logger: false, backend: "wasm" });
 */
export function ratingRoutes(
  app: FastifyInstance,
  service: RatingService,
  options: AppOptions,
): void {
  app.get("/", { schema: { hide: true } }, (_req, reply) => reply.redirect("/docs"));
  app.get(
    "/health",
    {
      schema: {
        summary: "Liveness and model status",
        response: { 200: { type: "object", additionalProperties: true } },
      },
    },
    () => ({
      status: "ok",
      backend: options.backend,
      embeddingModel: service.embeddingModelName(),
      testEmbeddingModel: service.ctx.embedding?.isTestModel ?? false,
      ...(service.embeddingWarning() ? { warning: service.embeddingWarning() } : {}),
      movies: service.ctx.movies.length,
      ...service.status(),
    }),
  );
  app.post(
    "/ratings/train",
    {
      schema: {
        summary: "Train the model on a ratings CSV (userId,rating,movieId)",
        description:
          "Trains, saves the model atomically and serves it from then on. A second request while one trains gets 409. Duplicate (userId, movieId) rows: the last one counts, and the answer says how many.",
        response: {
          200: {
            type: "object",
            additionalProperties: true,
            description:
              "Rows, users, movies, epochs, seconds, training and validation MSE, warnings.",
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      service.train(() =>
        readCsvUpload(request, RATINGS_SCHEMA, {
          maxBytes: options.bodyLimit,
          maxRows: options.maxTrainRows ?? DEFAULT_MAX_TRAIN_ROWS,
        }),
      ),
  );
  app.post(
    "/ratings/predict",
    {
      schema: {
        summary: "Predict ratings for a CSV of (userId, movieId) pairs",
        description:
          'Answers `{"0": r0, "1": r1, ...}` in the CSV\'s row order, from the last trained model. Users unseen in training get the cold-user prediction.',
        response: {
          200: { type: "object", additionalProperties: { type: "number" } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const json = await service.predict(() =>
        readCsvUpload(request, QUERIES_SCHEMA, {
          maxBytes: options.bodyLimit,
          maxRows: MAX_PREDICT_ROWS,
        }),
      );
      return reply.type("application/json; charset=utf-8").send(json);
    },
  );
}
