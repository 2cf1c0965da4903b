import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

import { Agent, fetch, FormData } from "undici";

/**
 * A connection pool without response deadlines. Node's built-in fetch gives up when the answer's
 * headers take over 5 minutes, and a training on a data set larger than df_train can take longer;
 * the server answers or fails on its own.
 */
const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/**
 * Posts a CSV file as multipart field `file`, as `curl -F file=@...` does, and returns the JSON
 * answer, however long the server takes; non-2xx throws.
 *
 * @example
 * const summary = await postCsv("http://127.0.0.1:9876/ratings/train", "data/ratings/df_train.csv");
 */
export async function postCsv(url: string, path: string): Promise<unknown> {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(path)], { type: "text/csv" }), basename(path));
  const res = await fetch(url, { method: "POST", body: form, dispatcher: patient });
  const body = (await res.json()) as unknown;
  if (!res.ok)
    throw new Error(`POST ${url} with ${path}: HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Polls `GET /health` until it answers, the server exits, or `timeoutMs` passes. */
export async function waitForHealth(
  base: string,
  server: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`the server exited with code ${server.exitCode} before it was ready`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer ${base}/health within ${timeoutMs / 1000} s`);
}

/** Stops the server: SIGTERM, then SIGKILL if it has not exited after 10 s. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
