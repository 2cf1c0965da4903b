import * as tf from "@tensorflow/tfjs";

import { ModelFilesError, readModelFolder, writeModelFolder } from "./model-folder";

export { ModelFilesError, recoverModelDir } from "./model-folder";

/** The files of a saved tfjs model folder, every one covered by `checksums.json`. */
const FILES = ["model.json", "weights.bin", "metadata.json"] as const;

/**
 * The files of a tfjs model folder (`model.json`, `weights.bin`, `metadata.json`), in memory, for
 * {@link saveModelDir} or for publishing with other outputs (see publishRunOutputs).
 *
 * @example
 * const files = await modelFolderFiles(model, { params: 132 });
 */
export async function modelFolderFiles(
  model: tf.LayersModel,
  metadata: Record<string, unknown>,
): Promise<Record<string, Uint8Array>> {
  let files: Record<string, Uint8Array> | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      });
      files = {
        "weights.bin": new Uint8Array(artifacts.weightData as ArrayBuffer),
        "model.json": Buffer.from(json),
        "metadata.json": Buffer.from(JSON.stringify(metadata, null, 2) + "\n"),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!files) throw new ModelFilesError("tfjs handed over no model to save");
  return files;
}

/**
 * Saves a tfjs model as a crash-safe folder (`model.json`, `weights.bin`, `metadata.json` and
 * `checksums.json`, see writeModelFolder) without tfjs-node's `file://` handler: a crash, a full or
 * read-only disk at any instant leaves either the previous model or the new one.
 *
 * @example
 * await saveModelDir(model, "outputs/particles/5bf4506e86_model", { params: 132 });
 */
export async function saveModelDir(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  writeModelFolder(dir, await modelFolderFiles(model, metadata));
}

/**
 * Loads a model folder written by {@link saveModelDir}, with its metadata, after checking every
 * file, the metadata included, against the checksums saved with it: damaged, edited or foreign
 * files are refused, naming the file.
 */
export async function loadModelDir<M = Record<string, unknown>>(
  dir: string,
): Promise<{ model: tf.LayersModel; metadata: M }> {
  return loadModelFiles<M>(readModelFolder(dir, FILES), dir);
}

/**
 * A model and its metadata from a model folder's files in memory (see {@link modelFolderFiles});
 * errors name `where` the files came from.
 *
 * @example
 * const { model } = await loadModelFiles(await modelFolderFiles(net, {}), "in memory");
 */
export async function loadModelFiles<M = Record<string, unknown>>(
  files: Record<string, Uint8Array>,
  where: string,
): Promise<{ model: tf.LayersModel; metadata: M }> {
  const parse = <T>(name: (typeof FILES)[number]): T => {
    if (!files[name]) throw new ModelFilesError(`${where}: ${name} is missing`);
    try {
      return JSON.parse(new TextDecoder().decode(files[name])) as T;
    } catch (err) {
      throw new ModelFilesError(`${where}/${name}: not valid JSON (${(err as Error).message})`);
    }
  };
  const json = parse<{
    modelTopology: tf.io.ModelArtifacts["modelTopology"];
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  }>("model.json");
  const bin = files["weights.bin"];
  if (!bin) throw new ModelFilesError(`${where}: weights.bin is missing`);
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
  return { model, metadata: parse<M>("metadata.json") };
}
