import * as tf from "@tensorflow/tfjs";

/** Which tfjs backend runs: native libtensorflow, WebAssembly, or plain JavaScript. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

let chosen: Promise<BackendName> | undefined;

/**
 * Picks the fastest tfjs backend that loads, once per process: `@tensorflow/tfjs-node` (installed
 * as the optional dependency `tfjs-node-native`) when its native library is present, else
 * `@tensorflow/tfjs-backend-wasm`, else the pure-JS `cpu` backend. `TF_BACKEND` forces one.
 * Resolves with the backend's name so callers can report it.
 *
 * @example
 * const backend = await initBackend(); // "wasm" on machines without libtensorflow
 */
export function initBackend(forced = process.env.TF_BACKEND): Promise<BackendName> {
  chosen ??= pick(forced as BackendName | undefined);
  return chosen;
}

async function pick(forced: BackendName | undefined): Promise<BackendName> {
  const order: BackendName[] = forced ? [forced] : ["tensorflow", "wasm", "cpu"];
  for (const name of order) {
    try {
      if (name === "tensorflow") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("tfjs-node-native");
      } else if (name === "wasm") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@tensorflow/tfjs-backend-wasm");
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // not available here: try the next one
    }
  }
  throw new Error(`no tfjs backend could be initialised (tried ${order.join(", ")})`);
}
