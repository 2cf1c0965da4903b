/**
 * The project's environment variables, each read and checked here and nowhere else (the
 * server's own, HOST, PORT, MODEL_DIR and the like, are read by `serveConfig` in
 * `src/server/serve.ts`, its one edge). A bad value is an error naming the variable.
 */
export interface ProjectEnvironment {
  /** `REPORT_QUICK=1`: notebooks on small settings (`npm run report -- --quick`, `npm test`). */
  quick: boolean;
  /** `RESULT_CACHE=off` turns the result cache off (always compute, store nothing). */
  resultCache: boolean;
  /** `TF_BACKEND=wasm|cpu`: forces a tfjs backend. */
  tfBackend: "wasm" | "cpu" | undefined;
  /** `CHROMIUM`: the browser that draws static figures (default Debian's `/usr/bin/chromium`). */
  chromium: string;
  /** `EMBEDDING_MODEL`: the overview embedding model, or `test` for the random-weight test model. */
  embeddingModel: string | undefined;
  /** `EMBEDDING_DTYPE=fp32|q8`: which weights of the embedding model run. */
  embeddingDtype: "fp32" | "q8" | undefined;
  /** `HF_HUB_OFFLINE=1`: never ask the hub for a model. */
  hubOffline: boolean;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  if (!allowed.includes(value as T))
    throw new Error(`${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * Reads the project's environment variables (see {@link ProjectEnvironment}).
 *
 * @example
 * projectEnvironment({ REPORT_QUICK: "1" }).quick; // true
 */
export function projectEnvironment(env: NodeJS.ProcessEnv = process.env): ProjectEnvironment {
  return {
    quick: oneOf(env, "REPORT_QUICK", ["0", "1"]) === "1",
    resultCache: oneOf(env, "RESULT_CACHE", ["on", "off"]) !== "off",
    tfBackend: oneOf(env, "TF_BACKEND", ["wasm", "cpu"]),
    chromium: env.CHROMIUM || "/usr/bin/chromium",
    embeddingModel: env.EMBEDDING_MODEL || undefined,
    embeddingDtype: oneOf(env, "EMBEDDING_DTYPE", ["fp32", "q8"]),
    hubOffline: oneOf(env, "HF_HUB_OFFLINE", ["0", "1"]) === "1",
  };
}
