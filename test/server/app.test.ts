import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import type { FastifyInstance } from "fastify";

import { readMovies, readRatings } from "../../src/ratings/data/rating-tables";
import { buildRatingContext } from "../../src/ratings/features/rating-context";
import { initBackend } from "../../src/runtime/tf-backend";
import { buildApp } from "../../src/server/app";
import { MAX_PREDICT_ROWS, RatingService } from "../../src/server/rating-service";
import { DEFAULT_BODY_LIMIT } from "../../src/server/serve-config";
import {
  API_ERRORS,
  type ApiErrorCode,
  errorAnswer,
  ServiceError,
} from "../../src/server/service-error";

// Metadata-only context and a small sample keep these tests fast; the model code is the real one.
const ctx = buildRatingContext(readMovies());
const all = readRatings();
const csvOf = (pick: (u: number) => boolean): string =>
  "userId,rating,movieId\n" +
  Array.from(all.userId.keys())
    .filter((i) => pick(all.userId[i]))
    .map((i) => `${all.userId[i]},${all.rating[i]},${all.movieId[i]}`)
    .join("\n") +
  "\n";
const trainCsv = csvOf((u) => u <= 30);
const otherCsv = csvOf((u) => u > 30 && u <= 70);
const queryCsv = "userId,movieId\n1,1\n2,2\n999999,3\n";
const options = { epochs: 2, seed: 5 };

async function openApp(
  dir: string,
  bodyLimit = DEFAULT_BODY_LIMIT,
  maxTrainRows?: number,
): Promise<{ app: FastifyInstance; service: RatingService }> {
  const backend = await initBackend();
  const service = await RatingService.open(ctx, dir, options);
  return {
    app: await buildApp(service, { bodyLimit, maxTrainRows, logger: false, backend }),
    service,
  };
}
const post = (app: FastifyInstance, url: string, payload: string, type = "text/csv") =>
  app.inject({ method: "POST", url, payload, headers: { "content-type": type } });
const multipartOf = (csv: string): FormData => {
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "df_train.csv");
  return form;
};
const freshDir = (): string => join(mkdtempSync(join(tmpdir(), "rating-api-")), "model");

test("over a real socket: multipart train, text/csv predict, health and docs", async () => {
  const { app } = await openApp(freshDir());
  try {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const form = new FormData();
    form.append("file", new Blob([trainCsv], { type: "text/csv" }), "df_train.csv");
    const trained = await fetch(`${base}/ratings/train`, { method: "POST", body: form });
    const summary = (await trained.json()) as Record<string, unknown>;
    assert.equal(trained.status, 200, JSON.stringify(summary));
    assert.equal(summary.rows, trainCsv.trim().split("\n").length - 1);
    assert.equal(summary.users, 30);
    assert.ok((summary.trainingMse as number) > 0 && (summary.trainingMse as number) < 2);
    const predicted = await fetch(`${base}/ratings/predict`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: queryCsv,
    });
    const answer = (await predicted.json()) as Record<string, number>;
    assert.deepEqual(Object.keys(answer), ["0", "1", "2"]);
    assert.ok(
      Object.values(answer).every((r) => r >= 1 && r <= 5),
      JSON.stringify(answer),
    );
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.trained, true);
    assert.equal(health.training, false);
    assert.equal(health.testEmbeddingModel, false);
    assert.equal(health.warning, undefined);
    const docs = await fetch(`${base}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
    const spec = (await (await fetch(`${base}/docs/json`)).json()) as {
      paths: Record<string, { post?: { requestBody?: { content: Record<string, unknown> } } }>;
    };
    assert.ok(spec.paths["/ratings/train"].post!.requestBody!.content["multipart/form-data"]);
    // Every error code the API answers with is documented under its status, from one table.
    const responses = (
      spec.paths["/ratings/train"].post as unknown as {
        responses: Record<string, { description: string }>;
      }
    ).responses;
    for (const [code, { status }] of Object.entries(API_ERRORS)) {
      if (status === 404) continue;
      assert.match(responses[String(status)]?.description ?? "", new RegExp(`\`${code}\``), code);
      assert.equal(errorAnswer(new ServiceError(code as ApiErrorCode, "m")).status, status);
    }
  } finally {
    await app.close();
  }
});

test("bad input gets a JSON error naming the problem, and the saved model does not change", async () => {
  const dir = freshDir();
  const { app } = await openApp(dir);
  try {
    const before409 = await post(app, "/ratings/predict", queryCsv);
    assert.equal(before409.statusCode, 409);
    assert.equal(before409.json().error, "not_trained");
    assert.equal((await post(app, "/ratings/train", trainCsv)).statusCode, 200);
    const saved = readFileSync(join(dir, "weights.bin"));
    const twice = await post(app, "/ratings/train", "userId,rating,movieId\n4294967297,4,1\n");
    assert.equal(twice.json().column, "userId");
    const savedAt = statSync(join(dir, "metadata.json")).mtimeMs;
    const cases: [string, string, string, RegExp, { row?: number; column?: string }][] = [
      [
        "/ratings/train",
        "userId,movieId\n1,1\n",
        "missing column",
        /missing column rating/,
        { column: "rating" },
      ],
      [
        "/ratings/train",
        "userId,rating,movieId,extra\n1,4,1,x\n",
        "extra column",
        /unexpected column extra/,
        { column: "extra" },
      ],
      ["/ratings/train", "", "empty file", /empty/, {}],
      ["/ratings/train", "userId,rating,movieId\n", "header only", /no rows/, {}],
      [
        "/ratings/train",
        "userId,rating,movieId\n1,4,1\n1,good,2\n",
        "non-numeric rating",
        /row 2, column rating/,
        { row: 2, column: "rating" },
      ],
      [
        "/ratings/train",
        "userId,rating,movieId\n1,4,1\n1,7,2\n",
        "out-of-range rating",
        /7 is outside \[1, 5\]/,
        { row: 2, column: "rating" },
      ],
      [
        "/ratings/train",
        "userId,rating,movieId\n1.5,4,1\n",
        "non-integer id",
        /row 1, column userId/,
        { row: 1, column: "userId" },
      ],
      [
        "/ratings/train",
        "userId,rating,movieId\n1,4,1\n1,4,987654321\n",
        "unknown movie",
        /movie 987654321 is not in df_movies/,
        { row: 2, column: "movieId" },
      ],
      [
        "/ratings/predict",
        "userId,movieId\n1,1\n1,x\n",
        "non-integer movie",
        /row 2, column movieId/,
        { row: 2, column: "movieId" },
      ],
      [
        "/ratings/predict",
        "userId,movieId\n1,1\n1,987654321\n",
        "unknown movie",
        /not in df_movies/,
        { row: 2, column: "movieId" },
      ],
      [
        "/ratings/predict",
        "movieId\n1\n",
        "missing column",
        /missing column userId/,
        { column: "userId" },
      ],
      [
        "/ratings/predict",
        "userId,movieId\n4294967297,31\n",
        "id beyond 32 bits (would wrap to user 1)",
        /row 1, column userId: 4294967297 is outside the id range/,
        { row: 1, column: "userId" },
      ],
      [
        "/ratings/train",
        "userId,rating,movieId\n1,4,1\n1,0x3,2\n",
        "hexadecimal rating",
        /row 2, column rating: "0x3" is not a number/,
        { row: 2, column: "rating" },
      ],
    ];
    for (const [url, body, what, message, where] of cases) {
      const res = await post(app, url, body);
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      const err = res.json();
      assert.match(err.message, message, what);
      assert.equal(err.row, where.row, `${what}: row`);
      assert.equal(err.column, where.column, `${what}: column`);
    }
    const wrongType = await post(app, "/ratings/train", "{}", "application/json");
    assert.equal(wrongType.statusCode, 415, wrongType.body);
    const noBoundary = await post(app, "/ratings/train", "abc", "multipart/form-data");
    assert.equal(noBoundary.statusCode, 400, noBoundary.body);
    assert.equal(noBoundary.json().error, "invalid_multipart");
    // A 100 kB header name comes back cut short, not in full.
    const longHeader = await post(
      app,
      "/ratings/predict",
      `userId,movieId,${"x".repeat(100_000)}\n1,1,1\n`,
    );
    assert.equal(longHeader.statusCode, 400);
    assert.ok(longHeader.body.length < 500, `${longHeader.body.length} bytes`);
    assert.deepEqual(readFileSync(join(dir, "weights.bin")), saved);
    assert.equal(statSync(join(dir, "metadata.json")).mtimeMs, savedAt);
  } finally {
    await app.close();
  }
});

test("columns in another order are accepted; duplicate rows are counted and the last one counts", async () => {
  const { app } = await openApp(freshDir());
  try {
    // The same rows with the columns as movieId,userId,rating, and the first row repeated at the end.
    const rows = trainCsv
      .trim()
      .split("\n")
      .slice(1)
      .map((r) => {
        const [u, rating, m] = r.split(",");
        return `${m},${u},${rating}`;
      });
    const body = ["movieId,userId,rating", ...rows, rows[0]];
    const res = await post(app, "/ratings/train", body.join("\n") + "\n");
    assert.equal(res.statusCode, 200, res.body);
    const summary = res.json();
    assert.equal(summary.duplicatesDropped, 1);
    assert.match(summary.warnings[0], /1 duplicate \(userId, movieId\) row \(rows 1\)/);
  } finally {
    await app.close();
  }
});

test("a one-row training has no validation MSE and says why; no answer shows an absolute path", async () => {
  const { app } = await openApp(freshDir());
  try {
    const res = await post(app, "/ratings/train", "userId,rating,movieId\n1,4,1\n");
    assert.equal(res.statusCode, 200, res.body);
    const summary = res.json();
    assert.equal(summary.validationMse, null);
    assert.ok(
      summary.warnings.some((w: string) => /too few movies to hold any out/.test(w)),
      res.body,
    );
    const health = (await app.inject({ url: "/health" })).body;
    for (const body of [res.body, health])
      assert.doesNotMatch(body, /"\/(work|tmp|root|home)\//, "an absolute path in an answer");
  } finally {
    await app.close();
  }
});

test("uploads over the size limit get 413, as multipart and as a body", async () => {
  const { app } = await openApp(freshDir(), 1024);
  try {
    const big = await post(app, "/ratings/train", trainCsv);
    assert.equal(big.statusCode, 413, big.body);
    assert.equal(big.json().error, "too_large");
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const form = new FormData();
    form.append("file", new Blob([trainCsv], { type: "text/csv" }), "df_train.csv");
    const res = await fetch(`${base}/ratings/train`, { method: "POST", body: form });
    assert.equal(res.status, 413, await res.clone().text());
    assert.equal(((await res.json()) as { error: string }).error, "too_large");
  } finally {
    await app.close();
  }
});

test("a training upload past MAX_TRAIN_ROWS gets 413 at the first row too many, and nothing trains", async () => {
  const dir = freshDir();
  const { app, service } = await openApp(dir, DEFAULT_BODY_LIMIT, 500);
  try {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    for (const body of [trainCsv, multipartOf(trainCsv)]) {
      const res = await fetch(`${base}/ratings/train`, {
        method: "POST",
        ...(typeof body === "string"
          ? { headers: { "content-type": "text/csv" }, body }
          : { body }),
      });
      const answer = (await res.json()) as { error: string; message: string };
      assert.equal(res.status, 413, JSON.stringify(answer));
      assert.equal(answer.error, "too_many_rows");
      assert.match(answer.message, /more than 500 rows; at most 500 per request/);
    }
    assert.equal(service.status().trained, false);
    assert.equal(existsSync(dir), false);
    // The connection still answers: the rest of the upload was read and discarded.
    assert.equal((await fetch(`${base}/health`)).status, 200);
  } finally {
    await app.close();
  }
});

test("a second training while one runs gets 409; predictions meanwhile use the previous model", async () => {
  const { app, service } = await openApp(freshDir());
  try {
    assert.equal((await post(app, "/ratings/train", trainCsv)).statusCode, 200);
    const previous = (await post(app, "/ratings/predict", queryCsv)).json();
    const running = post(app, "/ratings/train", otherCsv);
    while (!service.status().training) await new Promise((r) => setImmediate(r));
    const second = await post(app, "/ratings/train", trainCsv);
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error, "training_in_progress");
    const during = await post(app, "/ratings/predict", queryCsv);
    assert.ok(service.status().training, "the first training was still running");
    assert.deepEqual(during.json(), previous);
    assert.equal((await running).statusCode, 200);
    assert.notDeepEqual((await post(app, "/ratings/predict", queryCsv)).json(), previous);
  } finally {
    await app.close();
  }
});

test("a restarted server predicts with the last saved model; an unreadable one is reported", async () => {
  const dir = freshDir();
  const first = await openApp(dir);
  assert.equal((await post(first.app, "/ratings/train", trainCsv)).statusCode, 200);
  const expected = (await post(first.app, "/ratings/predict", queryCsv)).json();
  await first.app.close();
  const second = await openApp(dir);
  try {
    assert.equal((await second.app.inject({ url: "/health" })).json().trained, true);
    assert.deepEqual((await post(second.app, "/ratings/predict", queryCsv)).json(), expected);
  } finally {
    await second.app.close();
  }
  writeFileSync(join(dir, "metadata.json"), '{"kind": "something else"}');
  const third = await openApp(dir);
  try {
    const health = (await third.app.inject({ url: "/health" })).json();
    assert.equal(health.trained, false);
    // metadata.json is covered by the checksums: an edit is refused, naming the file, no path.
    assert.match(health.loadError, /^MODEL_DIR\/metadata\.json does not match its saved checksum/);
    assert.equal((await post(third.app, "/ratings/predict", queryCsv)).statusCode, 409);
  } finally {
    await third.app.close();
  }
});

test("requests from other sites and other host names are refused; curl-like ones pass", async () => {
  const { app } = await openApp(freshDir());
  try {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const send = (headers: Record<string, string>) =>
      fetch(`${base}/ratings/train`, {
        method: "POST",
        headers: { "content-type": "text/plain", ...headers },
        body: "userId,rating,movieId\n",
      });
    // A page elsewhere posting a form (no preflight for text/plain): refused before any work.
    const csrf = await send({ origin: "http://evil.example" });
    assert.equal(csrf.status, 403);
    assert.equal(((await csrf.json()) as { error: string }).error, "forbidden_origin");
    // DNS rebinding: the browser thinks it talks to evil.example, which now resolves here.
    // (fetch will not send another Host, so this one goes through inject.)
    const rebound = await app.inject({ url: "/health", headers: { host: "evil.example:9876" } });
    assert.equal(rebound.statusCode, 403);
    assert.equal(rebound.json().error, "forbidden_host");
    // The server's own page (same origin) and curl (no Origin) get a normal answer.
    const host = new URL(base).host;
    assert.equal((await send({ origin: `http://${host}` })).status, 400);
    assert.equal((await send({})).status, 400);
  } finally {
    await app.close();
  }
});

test("an unwritable MODEL_DIR is reported at once and refuses training before any work", async () => {
  const parent = mkdtempSync(join(tmpdir(), "rating-api-"));
  writeFileSync(join(parent, "a-file"), "");
  const { app } = await openApp(join(parent, "a-file", "model"));
  try {
    const health = (await app.inject({ url: "/health" })).json();
    assert.match(health.writeError, /^MODEL_DIR is not writable \((EEXIST|ENOTDIR)/);
    assert.doesNotMatch(health.writeError, new RegExp(parent));
    const res = await post(app, "/ratings/train", trainCsv);
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error, "model_dir_not_writable");
    assert.match(res.json().message, /nothing was trained/);
  } finally {
    await app.close();
  }
});

test("damaged saved weights are refused by checksum, named in /health and by predict", async () => {
  const dir = freshDir();
  const first = await openApp(dir);
  assert.equal((await post(first.app, "/ratings/train", trainCsv)).statusCode, 200);
  await first.app.close();
  const weights = join(dir, "weights.bin");
  const length = readFileSync(weights).length;
  writeFileSync(weights, Buffer.from(Array.from({ length }, (_, i) => (i * 131) % 256)));
  const second = await openApp(dir);
  try {
    const health = (await second.app.inject({ url: "/health" })).json();
    assert.equal(health.trained, false);
    assert.match(health.loadError, /weights\.bin does not match its saved checksum/);
    const res = await post(second.app, "/ratings/predict", queryCsv);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, "model_not_loaded");
    assert.match(res.json().message, /weights\.bin does not match/);
  } finally {
    await second.app.close();
  }
});

test("a large predict leaves the server responsive; one over the row limit gets 413 unparsed", async () => {
  const { app } = await openApp(freshDir());
  try {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    assert.equal((await post(app, "/ratings/train", trainCsv)).statusCode, 200);
    const rows = queryCsv.trim().split("\n").slice(1);
    const big = (n: number): string =>
      "userId,movieId\n" + Array.from({ length: n }, (_, i) => rows[i % rows.length]).join("\n");
    const order: string[] = [];
    const predicted = fetch(`${base}/ratings/predict`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: big(300_000),
    }).then(async (r) => {
      order.push("predict");
      return { status: r.status, answer: (await r.json()) as Record<string, number> };
    });
    // Asked after the large request is sent, /health is answered before it: parsing and
    // predicting leave the event loop free.
    await new Promise((r) => setTimeout(r, 200));
    const health = await fetch(`${base}/health`).then((r) => {
      order.push("health");
      return r.status;
    });
    const { status, answer } = await predicted;
    assert.equal(health, 200);
    assert.equal(status, 200);
    assert.deepEqual(order, ["health", "predict"]);
    assert.equal(Object.keys(answer).length, 300_000);
    // Chunked prediction gives every row the answer it gets alone.
    const small = (await post(app, "/ratings/predict", queryCsv)).json();
    assert.deepEqual([answer["0"], answer["1"], answer["2"]], [small["0"], small["1"], small["2"]]);
    const tooMany = await post(app, "/ratings/predict", big(MAX_PREDICT_ROWS + 1));
    assert.equal(tooMany.statusCode, 413, tooMany.body);
    assert.equal(tooMany.json().error, "too_many_rows");
  } finally {
    await app.close();
  }
});

test("two trainings sent at the same instant: one trains, the other gets 409", async () => {
  const { app } = await openApp(freshDir());
  try {
    const answers = await Promise.all([
      post(app, "/ratings/train", trainCsv),
      post(app, "/ratings/train", otherCsv),
    ]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
  } finally {
    await app.close();
  }
});
