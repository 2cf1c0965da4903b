import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";

import { OPENAPI_INFO, withCsvBodies } from "./openapi";
import { ratingRoutes } from "./rating-routes";
import type { RatingService } from "./rating-service";
import { guardRequests } from "./request-guards";
import { cutSlowRequests } from "./request-timeout";
import { DEFAULT_REQUEST_TIMEOUT_MS, LOOPBACK_HOSTS } from "./serve-config";
import { API_ERRORS, errorAnswer } from "./service-error";

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

/**
 * The HTTP API around a {@link RatingService}: the guards (request-guards.ts), the 408 timer
 * (request-timeout.ts), the routes (rating-routes.ts), OpenAPI docs with a try-it page at
 * `/docs`, and one error handler, so that every error is JSON.
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
  cutSlowRequests(app, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
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
  guardRequests(app, options.allowedHosts ?? LOOPBACK_HOSTS);
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

  ratingRoutes(app, service, options);
  return app;
}
