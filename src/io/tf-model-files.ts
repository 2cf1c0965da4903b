import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";

/** Raised when a saved model folder is missing, damaged or not what was asked for. */
export class ModelFilesError extends Error {
  override name = "ModelFilesError";
}

/** The files of a saved model whose sha256 is kept in `checksums.json`. */
const CHECKED = ["model.json", "weights.bin"] as const;

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Writes a file and flushes it to disk before returning. */
function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename or a new file in it) to disk. */
function syncFolder(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The version folders beside `dir` (`<name>.v-<stamp>`), oldest first. */
function versionsOf(dir: string): string[] {
  const parent = dirname(dir);
  if (!existsSync(parent)) return [];
  const prefix = `${basename(dir)}.v-`;
  return readdirSync(parent)
    .filter((f) => f.startsWith(prefix))
    .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
    .map((f) => join(parent, f));
}

/** True when a version folder was written to the end (metadata.json is its last file). */
const isComplete = (version: string): boolean => existsSync(join(version, "metadata.json"));

/**
 * Brings a model folder written by {@link saveModelDir} back to a clean state after a crash at any
 * point of a save: `dir` names the complete version it named before the crash, or, if the crash
 * came while an old-style folder was being moved aside, the newest complete version; every other
 * version, half-written folder and stray link beside it is removed. Returns whether a model is
 * there. Safe to call at any time; the server calls it when it starts.
 *
 * @example
 * if (recoverModelDir("models/ratings")) model = await RatingModel.load("models/ratings", ctx);
 */
export function recoverModelDir(dir: string): boolean {
  const parent = dirname(dir);
  if (!existsSync(parent)) return false;
  for (const f of readdirSync(parent))
    if (f.startsWith(`${basename(dir)}.link-`)) rmSync(join(parent, f), { force: true });
  let kind: "link" | "folder" | "none" = "none";
  try {
    kind = lstatSync(dir).isSymbolicLink() ? "link" : "folder";
  } catch {
    kind = "none";
  }
  if (kind === "link" && !existsSync(dir)) {
    rmSync(dir, { force: true }); // a link to nothing: treat as missing
    kind = "none";
  }
  if (kind === "none") {
    const newest = versionsOf(dir).filter(isComplete).pop();
    if (newest) {
      symlinkSync(basename(newest), dir);
      syncFolder(parent);
      kind = "link";
    }
  }
  const keep = kind === "link" ? join(parent, readlinkSync(dir)) : null;
  for (const v of versionsOf(dir)) if (v !== keep) rmSync(v, { recursive: true, force: true });
  return kind !== "none";
}

/**
 * Saves a tfjs model as a folder (`model.json`, `weights.bin`, `checksums.json`, `metadata.json`)
 * without needing tfjs-node's `file://` handler, so that a crash at any instant leaves either the
 * previous model or the new one, never none and never half of one. Each save writes a new version
 * folder beside `dir` (`<dir>.v-<stamp>`), flushed to disk, then swaps the symbolic link `dir` to
 * it with one atomic rename, then removes the old version. A crash before the swap leaves the old
 * model; after it, the new one; {@link recoverModelDir} removes what a crash left behind.
 *
 * @example
 * await saveModelDir(model, "outputs/particles/5bf4506e86_model", { params: 132 });
 */
export async function saveModelDir(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  recoverModelDir(dir);
  const version = `${dir}.v-${Date.now()}-${process.pid}`;
  mkdirSync(version);
  const sums: Record<string, string> = {};
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const json = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      });
      writeDurable(join(version, "weights.bin"), weights);
      writeDurable(join(version, "model.json"), json);
      sums["weights.bin"] = sha256(weights);
      sums["model.json"] = sha256(Buffer.from(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  writeDurable(join(version, "checksums.json"), JSON.stringify({ sha256: sums }, null, 2) + "\n");
  writeDurable(join(version, "metadata.json"), JSON.stringify(metadata, null, 2) + "\n");
  syncFolder(version);
  if (existsSync(dir) && !lstatSync(dir).isSymbolicLink()) {
    // A folder saved by an older version of this function: moved aside as the oldest version.
    renameSync(dir, `${dir}.v-0`);
  }
  const link = `${dir}.link-${process.pid}`;
  rmSync(link, { force: true });
  symlinkSync(basename(version), link);
  renameSync(link, dir);
  syncFolder(parent);
  recoverModelDir(dir);
}

/**
 * Loads a model folder written by {@link saveModelDir}, with its metadata, after checking every
 * file against the checksums saved with it: damaged or foreign files are refused, naming the file.
 */
export async function loadModelDir<M = Record<string, unknown>>(
  dir: string,
): Promise<{ model: tf.LayersModel; metadata: M }> {
  const modelPath = join(dir, "model.json");
  if (!existsSync(modelPath))
    throw new ModelFilesError(`${dir}: no saved model (model.json missing)`);
  const read = (name: string): Buffer => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new ModelFilesError(`${path}: missing`);
    return readFileSync(path);
  };
  const sumsPath = join(dir, "checksums.json");
  if (!existsSync(sumsPath))
    throw new ModelFilesError(`${sumsPath}: missing, so the model files cannot be verified`);
  const sums = (JSON.parse(readFileSync(sumsPath, "utf8")) as { sha256?: Record<string, string> })
    .sha256;
  const files = Object.fromEntries(CHECKED.map((name) => [name, read(name)])) as Record<
    (typeof CHECKED)[number],
    Buffer
  >;
  for (const name of CHECKED) {
    const found = sha256(files[name]);
    if (sums?.[name] !== found)
      throw new ModelFilesError(
        `${join(dir, name)} does not match its saved checksum (sha256 ${String(sums?.[name]).slice(0, 12)}…, found ${found.slice(0, 12)}…): the file is damaged or was replaced`,
      );
  }
  const json = JSON.parse(files["model.json"].toString("utf8")) as {
    modelTopology: tf.io.ModelArtifacts["modelTopology"];
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = files["weights.bin"];
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
  const metadata = JSON.parse(read("metadata.json").toString("utf8")) as M;
  return { model, metadata };
}
