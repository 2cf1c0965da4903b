import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";

import { askWorker } from "../../src/runtime/worker-request";

/** A worker that answers `{ id }` with a note first (not an answer), then `{ id, twice }`; `{ exit }` ends it. */
const ECHO = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => {
  if (m.exit !== undefined) process.exit(m.exit);
  if (m.fail) throw new Error("asked to fail");
  parentPort.postMessage({ note: "working on " + m.id });
  parentPort.postMessage({ id: m.id, twice: 2 * m.value });
});`;

interface Answer {
  id: number;
  twice: number;
}

const answerTo =
  (id: number) =>
  (m: unknown): m is Answer =>
    (m as Answer).id === id;

test("askWorker resolves with the message that answers, again and again, and ignores the rest", async () => {
  const worker = new Worker(ECHO, { eval: true });
  try {
    const answers = await Promise.all(
      [1, 2, 3].map((id) => askWorker(worker, { id, value: 10 * id }, answerTo(id), "the echo")),
    );
    assert.deepEqual(answers, [
      { id: 1, twice: 20 },
      { id: 2, twice: 40 },
      { id: 3, twice: 60 },
    ]);
    // Every request's listeners went when it settled.
    assert.equal(worker.listenerCount("message"), 0);
    assert.equal(worker.listenerCount("exit"), 0);
  } finally {
    await worker.terminate();
  }
});

test("askWorker rejects with the worker's error, or names it when it stops without answering", async () => {
  const failing = new Worker(ECHO, { eval: true });
  await assert.rejects(
    askWorker(failing, { id: 1, fail: true }, answerTo(1), "the echo"),
    /asked to fail/,
  );
  await failing.terminate();
  const stopping = new Worker(ECHO, { eval: true });
  await assert.rejects(
    askWorker(stopping, { id: 1, exit: 3 }, answerTo(1), "the echo"),
    /^Error: the echo stopped before answering \(exit code 3\)$/,
  );
});
