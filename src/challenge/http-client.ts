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

/** How long one health probe may wait for an answer: a live server answers in milliseconds. */
export const PROBE_TIMEOUT_MS = 5000;

/**
 * What answers `GET /health` at `base` now: "ok", "refused" (nothing listens), or "silent" (a
 * listener that does not answer within {@link PROBE_TIMEOUT_MS}, or answers with an error).
 *
 * @example
 * if ((await probeHealth("http://127.0.0.1:9876")) !== "refused") throw new Error("port taken");
 */
export async function probeHealth(base: string): Promise<"ok" | "refused" | "silent"> {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.ok ? "ok" : "silent";
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return code === "ECONNREFUSED" ? "refused" : "silent";
  }
}

/**
 * Polls `GET /health` until it answers, the server exits (by a signal too), or `timeoutMs` passes;
 * each probe waits at most {@link PROBE_TIMEOUT_MS}.
 */
export async function waitForHealth(
  base: string,
  server: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ended = (): string | null =>
    server.signalCode !== null
      ? `was killed by ${server.signalCode}`
      : server.exitCode !== null
        ? `exited with code ${server.exitCode}`
        : null;
  while (Date.now() < deadline) {
    const end = ended();
    if (end) throw new Error(`the server ${end} before it was ready`);
    if ((await probeHealth(base)) === "ok") return;
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
