import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";

import { QUERIES_SCHEMA, RATINGS_SCHEMA } from "../ratings/data/rating-tables";
import { readCsvUpload } from "./csv-upload";
import { ERROR_RESPONSES, OPENAPI_INFO, withCsvBodies } from "./openapi";
import { MAX_PREDICT_ROWS, type RatingService } from "./rating-service";
import { DEFAULT_MAX_TRAIN_ROWS, DEFAULT_REQUEST_TIMEOUT_MS, LOOPBACK_HOSTS } from "./serve-config";
import { API_ERRORS, type ApiErrorCode, errorAnswer, ServiceError } from "./service-error";

/** Settings of {@link buildApp}. */
export interface AppOptions {
  /** Largest accepted upload or body, in bytes. */
  bodyLimit: number;
  /** Most rows a training upload may carry (413 past it); default `DEFAULT_MAX_TRAIN_ROWS` (serve-config.ts). */
  maxTrainRows?: number;
  /** Fastify's logger setting: `false` in tests, `true` for the server. */
  logger: boolean;
  /** Which tfjs backend runs the model, reported by `/health`. */
  backend: string;
  /**
   * Longest time a client may take to send a whole request, headers and body, in milliseconds:
   * a client that trickles its body is cut off (408) rather than holding its connection forever.
   * Default `DEFAULT_REQUEST_TIMEOUT_MS` (serve-config.ts).
   */
  requestTimeoutMs?: number;
  /**
   * Host names a request's `Host` header may carry (DNS-rebinding guard), or `"any"` for a server
   * bound to every interface; default: the loopback names.
   */
  allowedHosts?: readonly string[] | "any";
}

const hostnameOf = (host: string): string =>
  host
    .trim()
    .toLowerCase()
    .replace(/:\d+$/, "")
    .replace(/^\[(.*)\]$/, "$1");

/**
 * Why a request must be refused as cross-site (an `Origin` that is not this server) or as DNS
 * rebinding (a `Host` that is not a name the server is bound to), or null. Requests without an
 * `Origin`, as curl sends them, pass the first check.
 */
export function foreignRequest(
  headers: { host?: string; origin?: string },
  allowedHosts: readonly string[] | "any",
): { code: "forbidden_host" | "forbidden_origin"; message: string } | null {
  const host = headers.host ?? "";
  if (allowedHosts !== "any" && !allowedHosts.includes(hostnameOf(host)))
    return {
      code: "forbidden_host",
      message: `Host ${JSON.stringify(host.slice(0, 100))} is not a name this server answers to (${allowedHosts.join(", ")}); set ALLOWED_HOSTS to add one`,
    };
  const origin = headers.origin;
  if (origin === undefined) return null;
  let originHost: string | null = null;
  try {
    const url = new URL(origin);
    // This server speaks plain http: an https:// page of the same host and port is another origin.
    originHost = url.protocol === "http:" ? url.host.toLowerCase() : null;
  } catch {
    originHost = null;
  }
  if (originHost !== host.trim().toLowerCase())
    return {
      code: "forbidden_origin",
      message: `cross-origin request refused: Origin ${JSON.stringify(origin.slice(0, 100))} is not this server (${host})`,
    };
  return null;
}

/**
 * The HTTP API around a {@link RatingService}: `POST /ratings/train`, `POST /ratings/predict`,
 * `GET /health`, and OpenAPI docs with a try-it page at `/docs`. Every error is JSON.
 *
 * @example
 * const app = await buildApp(service, { bodyLimit: DEFAULT_BODY_LIMIT, logger: false, backend: "wasm" });
 * await app.listen({ host: "127.0.0.1", port: 9876 });
 */
export async function buildApp(
  service: RatingService,
  options: AppOptions,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger, bodyLimit: options.bodyLimit });
  // Node's own requestTimeout is only checked every 30 s; this timer cuts a request whose body has
  // not arrived in full in time, with a 408, whatever the client keeps trickling.
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  app.addHook("onRequest", async (request, reply) => {
    const raw = request.raw;
    if (raw.complete) return;
    const timer = setTimeout(() => {
      if (raw.complete || raw.socket.destroyed) return;
      // Answered before its body was read (a 409, say): the rest is not waited for.
      if (reply.raw.headersSent) {
        raw.socket.destroy();
        return;
      }
      const code: ApiErrorCode = "request_timeout";
      const body = JSON.stringify({
        error: code,
        message: `the request was not sent in full within ${requestTimeoutMs / 1000} s`,
      });
      request.log.info(`request body not complete after ${requestTimeoutMs} ms: closed with 408`);
      raw.socket.end(
        `HTTP/1.1 ${API_ERRORS[code].status} Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      raw.socket.destroySoon();
    }, requestTimeoutMs);
    timer.unref();
    raw.once("end", () => clearTimeout(timer));
    raw.once("close", () => clearTimeout(timer));
  });
  // A CSV body stays a stream: the routes parse it as it arrives (see readCsvUpload).
  app.addContentTypeParser(["text/csv", "text/plain"], (_req, payload, done) =>
    done(null, payload),
  );
  await app.register(multipart, { limits: { fileSize: options.bodyLimit, files: 1 } });
  await app.register(swagger, {
    openapi: { info: OPENAPI_INFO },
    transformObject: (doc) =>
      "openapiObject" in doc ? withCsvBodies(doc.openapiObject as never) : doc.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  const allowedHosts = options.allowedHosts ?? LOOPBACK_HOSTS;
  app.addHook("onRequest", async (request) => {
    const foreign = foreignRequest(request.headers, allowedHosts);
    if (foreign) throw new ServiceError(foreign.code, foreign.message);
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity")
      throw new ServiceError(
        "unsupported_encoding",
        `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported: send the CSV uncompressed`,
      );
  });
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorAnswer(err);
    // A client that hung up mid-upload is its own business: no stack trace at error level.
    if (request.raw.destroyed || request.raw.readableAborted)
      request.log.info(`client went away during the request (${(err as Error).message})`);
    else if (status >= 500) request.log.error(err);
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(API_ERRORS.not_found.status).send({
      error: "not_found",
      message: `no route ${request.method} ${request.url}; see /docs`,
    });
  });

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
  return app;
}
