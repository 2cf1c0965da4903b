import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";

/**
 * Saves a tfjs model as a folder (`model.json`, `weights.bin`, `metadata.json`) without needing
 * tfjs-node's `file://` handler. The folder is written beside the target and renamed into place,
 * so a crash never leaves a half-written model and the previous one survives until the swap.
 *
 * @example
 * await saveModelDir(model, "outputs/particles/5bf4506e86_model", { params: 132 });
 */
export async function saveModelDir(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(tmp, "weights.bin"), new Uint8Array(weights));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(tmp, "model.json"), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  writeFileSync(join(tmp, "metadata.json"), JSON.stringify(metadata, null, 2) + "\n");
  mkdirSync(dirname(dir), { recursive: true });
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** Loads a model folder written by {@link saveModelDir}, with its metadata. */
export async function loadModelDir<M = Record<string, unknown>>(
  dir: string,
): Promise<{ model: tf.LayersModel; metadata: M }> {
  const modelPath = join(dir, "model.json");
  if (!existsSync(modelPath)) throw new Error(`${dir}: no saved model (model.json missing)`);
  const json = JSON.parse(readFileSync(modelPath, "utf8")) as {
    modelTopology: tf.io.ModelArtifacts["modelTopology"];
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = readFileSync(join(dir, "weights.bin"));
  const weightData = bin.buffer.slice(
    bin.byteOffset,
    bin.byteOffset + bin.byteLength,
  ) as ArrayBuffer;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData,
    }),
  );
  const metadata = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8")) as M;
  return { model, metadata };
}
