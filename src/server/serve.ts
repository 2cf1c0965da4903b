/**
 * `npm run serve`: the rating API, configured by the environment variables of SERVE_ENVIRONMENT
 * (serve-config.ts; docs/api.md lists them). Without the real model and without
 * `EMBEDDING_MODEL=test`, the server refuses to start and says how to provide it.
 */
import type { FastifyBaseLogger, FastifyInstance } from "fastify";

import { loadRatingContext } from "../ratings/features/rating-context-loader";
import { parseCommandLine } from "../runtime/command-line";
import { runMain } from "../runtime/run-main";
import { initBackend } from "../runtime/tf-backend";
import { buildApp } from "./app";
import { RatingService } from "./rating-service";
import { SERVE_ENVIRONMENT, type ServeConfig, serveConfig } from "./serve-config";

/** Loads movies and embeddings, opens the service (with the last saved model) and listens. */
export async function startServer(config: ServeConfig): Promise<FastifyInstance> {
  const backend = await initBackend();
  const { ctx, choice, dim, computed } = await loadRatingContext({ moviesPath: config.moviesCsv });
  // A training through the API logs each epoch, as the notebooks print it.
  const epochLog: { to?: FastifyBaseLogger } = {};
  const service = await RatingService.open(ctx, config.modelDir, {
    onEpoch: (e) =>
      epochLog.to?.info(
        `training epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, validation MSE ${e.valLoss.toFixed(4)}, learning rate ${e.learningRate.toExponential(1)}, ${e.seconds.toFixed(1)} s`,
      ),
  });
  const app = await buildApp(service, {
    bodyLimit: config.bodyLimit,
    maxTrainRows: config.maxTrainRows,
    requestTimeoutMs: config.requestTimeoutMs,
    logger: true,
    backend,
    allowedHosts: config.allowedHosts,
  });
  epochLog.to = app.log;
  app.log.info(
    `tfjs backend ${backend}; ${ctx.movies.length} movies from ${config.moviesCsv}; embeddings: ${choice.model} (${choice.reason}), ${dim} dims, ${computed} computed now`,
  );
  const warning = service.embeddingWarning();
  if (warning) app.log.warn(warning);
  const { trained, loadError, writeError } = service.status();
  if (writeError) app.log.warn(`${writeError}: training will be refused until it is`);
  if (trained) app.log.info(`serving the model saved in ${config.modelDir}`);
  else if (loadError) app.log.warn(`could not load the saved model: ${loadError}; train one`);
  else app.log.info("no saved model yet: POST /ratings/train first");
  await app.listen({ host: config.host, port: config.port });
  return app;
}

const USAGE = `usage: npm run serve
  The rating API on HOST:PORT (default 127.0.0.1:9876), configured by environment variables
  (docs/api.md has their meanings):
${SERVE_ENVIRONMENT.map((v) => `    ${v.name} (default ${v.default})`).join("\n")}
  --stop-with-stdin   stop when standard input closes: for a parent process that starts the
                      server (npm run challenge), so that the server never outlives it
  --help              this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: { "stop-with-stdin": { type: "boolean", default: false } },
  });
  if (!args) return;
  // Watched from the start: a parent killed while the server loads must not leave it behind
  // (nothing is being saved yet, and the MODEL_DIR lock goes with the process).
  const withParent = args.values["stop-with-stdin"];
  if (withParent) process.stdin.on("end", () => process.exit(0)).resume();
  const app = await startServer(serveConfig());
  const stop = (signal: string): void => {
    app.log.info(`${signal}: closing`);
    void app.close().then(() => process.exit(0));
    // Connections still open after a grace period (a client trickling a body) are cut.
    setTimeout(() => app.server.closeAllConnections(), 5000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (withParent) {
    process.stdin.removeAllListeners("end");
    process.stdin.on("end", () => stop("standard input closed (the parent is gone)"));
  }
}

runMain(module, main);
