import type { FastifyInstance } from "fastify";

import { ServiceError } from "./service-error";

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
 * Refuses, before any work, a request from another site or by another name (see
 * {@link foreignRequest}) and a compressed body (`Content-Encoding`), which the CSV readers take
 * only as it is.
 *
 * @example
 * guardRequests(app, LOOPBACK_HOSTS);
 */
export function guardRequests(app: FastifyInstance, allowedHosts: readonly string[] | "any"): void {
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
}
