import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

import { waitForHealth } from "../src/challenge/http-client";
import { PROJECT_ROOT } from "../src/io/project-paths";
import { freePort } from "../src/server/free-port";

/** A rating API server process started by a benchmark. */
export interface ApiServer {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  process: ChildProcess;
}

/**
 * Starts `src/server/serve.ts` as its own process on a free loopback port, with the random-weight
 * test embedding model and `modelDir` as MODEL_DIR, and resolves once `/health` answers.
 */
export async function startApiServer(modelDir: string): Promise<ApiServer> {
  const port = await freePort();
  const server = spawn(
    process.execPath,
    ["--import", "tsx", join(PROJECT_ROOT, "src", "server", "serve.ts")],
    {
      env: { ...process.env, EMBEDDING_MODEL: "test", PORT: String(port), MODEL_DIR: modelDir },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, server, 15 * 60_000);
  return { base, process: server };
}
