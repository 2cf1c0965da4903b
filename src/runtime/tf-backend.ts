import * as tf from "@tensorflow/tfjs";

import { projectEnvironment } from "./environment";
import { useTransposingMatMul } from "./wasm-transposed-matmul";

/** Which tfjs backend runs: WebAssembly, or plain JavaScript. */
export type BackendName = "wasm" | "cpu";

let chosen: Promise<BackendName> | undefined;

/**
 * Picks the tfjs backend once per process: `@tensorflow/tfjs-backend-wasm`, else the pure-JS `cpu`
 * backend; `TF_BACKEND=wasm|cpu` forces one. On wasm, matrix products with a transposed input
 * transpose it first (see useTransposingMatMul). Resolves with the backend's name so callers can
 * report it. (`@tensorflow/tfjs-node` is not a dependency: its install downloads libtensorflow,
 * which fails everywhere now; see the README, "Backends".)
 *
 * @example
 * const backend = await initBackend(); // "wasm"
 */
export function initBackend(
  forced: string | undefined = projectEnvironment().tfBackend,
): Promise<BackendName> {
  if (forced && !KNOWN.includes(forced as BackendName))
    return Promise.reject(
      new Error(`TF_BACKEND must be one of ${KNOWN.join(", ")}, got ${forced}`),
    );
  chosen ??= pick(forced as BackendName | undefined);
  return chosen;
}

const KNOWN: BackendName[] = ["wasm", "cpu"];

async function pick(forced: BackendName | undefined): Promise<BackendName> {
  const order = forced ? [forced] : KNOWN;
  for (const name of order) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
      if (await tf.setBackend(name)) {
        await tf.ready();
        if (name === "wasm") useTransposingMatMul();
        return name;
      }
    } catch {
      // not available here: try the next one
    }
  }
  throw new Error(`no tfjs backend could be initialised (tried ${order.join(", ")})`);
}
