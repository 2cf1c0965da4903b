/**
 * Test helper: the rating server as a real process (`src/server/serve.ts`) on a free port, with the
 * random-weight test embedding model and a small movie table, and the training CSV of those movies.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PROJECT_ROOT, RATINGS_DIR } from "../../src/io/project-paths";
import { readRatings } from "../../src/ratings/data/rating-tables";

const serveTs = join(PROJECT_ROOT, "src", "server", "serve.ts");

/** A movie table of the first `n` movies (a quick embedding) and the ratings of those movies. */
export function smallRatingData(n = 300): { moviesPath: string; trainCsv: string } {
  const dir = mkdtempSync(join(tmpdir(), "server-data-"));
  const lines = readFileSync(join(RATINGS_DIR, "df_movies.csv"), "utf8").split("\n");
  const moviesPath = join(dir, "movies.csv");
  writeFileSync(moviesPath, lines.slice(0, n + 1).join("\n") + "\n");
  const ids = new Set(lines.slice(1, n + 1).map((line) => Number(line.split(",")[0])));
  const all = readRatings();
  const rows = Array.from(all.userId.keys()).filter((i) => ids.has(all.movieId[i]));
  const trainCsv =
    "userId,rating,movieId\n" +
    rows.map((i) => `${all.userId[i]},${all.rating[i]},${all.movieId[i]}`).join("\n") +
    "\n";
  return { moviesPath, trainCsv };
}

/** A running server process, its base URL and everything it logged. */
export interface ServerProcess {
  base: string;
  child: ChildProcessWithoutNullStreams;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the server with `env` added to the test embedding model's; resolves once it listens, or
 * rejects with its log when it exits first.
 */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", serveTs], {
    env: { ...process.env, EMBEDDING_MODEL: "test", PORT: "0", ...env },
  });
  let log = "";
  child.stdout.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr.on("data", (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m)
        resolve({
          base: m[1],
          child,
          log: () => log,
          stop: async () => {
            child.kill("SIGTERM");
            await exited;
          },
        });
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
}
