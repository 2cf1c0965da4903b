import type { Worker } from "node:worker_threads";

/**
 * Sends `message` to a worker thread and resolves with the first message back that `answers` it,
 * ignoring the others (a worker may serve several kinds of request, each with its own replies).
 * Rejects with the worker's error, or when it stops before answering, naming it as `who`. The
 * listeners go when it settles, so a worker can be asked again and again.
 *
 * @example
 * const reply = await askWorker(worker, { id: 3, task: "score", net }, (m): m is Reply => (m as Reply).id === 3, "a refit worker");
 */
export function askWorker<R>(
  worker: Worker,
  message: unknown,
  answers: (reply: unknown) => reply is R,
  who: string,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      cleanUp();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanUp();
      reject(new Error(`${who} stopped before answering (exit code ${code})`));
    };
    const onMessage = (reply: unknown): void => {
      if (!answers(reply)) return;
      cleanUp();
      resolve(reply);
    };
    const cleanUp = (): void => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      worker.off("message", onMessage);
    };
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.on("message", onMessage);
    worker.postMessage(message);
  });
}
