import type { FastifyInstance } from "fastify";

import { API_ERRORS, type ApiErrorCode } from "./service-error";

/**
 * Cuts off, with a 408 written on the raw socket, every request not sent in full within
 * `timeoutMs`: Node's own requestTimeout is only checked every 30 s, and a client trickling its
 * body would otherwise hold its connection for as long as it likes. A request answered before its
 * body was read (a 409, say) is closed instead of waited for.
 *
 * @example
 * cutSlowRequests(app, DEFAULT_REQUEST_TIMEOUT_MS);
 */
export function cutSlowRequests(app: FastifyInstance, timeoutMs: number): void {
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
        message: `the request was not sent in full within ${timeoutMs / 1000} s`,
      });
      request.log.info(`request body not complete after ${timeoutMs} ms: closed with 408`);
      raw.socket.end(
        `HTTP/1.1 ${API_ERRORS[code].status} Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      raw.socket.destroySoon();
    }, timeoutMs);
    timer.unref();
    raw.once("end", () => clearTimeout(timer));
    raw.once("close", () => clearTimeout(timer));
  });
}
