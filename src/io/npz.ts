import { existsSync, readFileSync } from "node:fs";

import { unzipSync, zipSync } from "fflate";
import { dump, parse } from "npyjs";

import { writeFileAtomic } from "./atomic-write";

/** Typed arrays that `.npz` files of this project hold. */
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

/** One array of an `.npz` file: flat row-major data plus its shape. */
export interface NdArray {
  /** Row-major (C-order) values. */
  data: NumericArray;
  /** Dimensions, e.g. `[48000, 4, 7]`. */
  shape: number[];
  /** numpy dtype code without byte order, e.g. `f4`. */
  dtype: string;
}

const SUPPORTED = new Set(["f4", "f8", "i4", "i8", "u1"]);

/** Raised for a malformed `.npz`/`.npy`; the message names the file (and entry) and the problem. */
export class NpzError extends Error {
  override name = "NpzError";
}

/**
 * Reads every array of a numpy `.npz` archive (as `np.savez` writes it).
 *
 * @example
 * const { train_x } = readNpz("data/particles/5bf4506e86.npz"); // train_x.shape = [48000, 4, 7]
 */
export function readNpz(path: string): Record<string, NdArray> {
  if (!existsSync(path)) throw new NpzError(`${path}: file not found`);
  return parseNpz(readFileSync(path), path);
}

/** Parses the bytes of an `.npz` archive; `source` names it in error messages. */
export function parseNpz(bytes: Uint8Array, source: string): Record<string, NdArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new NpzError(`${source}: not a readable .npz (zip) archive: ${(err as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const [entry, raw] of Object.entries(entries)) {
    if (!entry.endsWith(".npy"))
      throw new NpzError(`${source}: entry ${entry} is not an .npy array`);
    out[entry.slice(0, -4)] = parseNpy(raw, `${source}:${entry}`);
  }
  return out;
}

/** Parses one `.npy` array; `source` names it in error messages. */
export function parseNpy(raw: Uint8Array, source: string): NdArray {
  const magic = String.fromCharCode(...raw.subarray(1, 6));
  if (raw.length < 10 || raw[0] !== 0x93 || magic !== "NUMPY") {
    throw new NpzError(`${source}: not an .npy array (bad magic bytes)`);
  }
  const header = new TextDecoder().decode(raw.subarray(10, 10 + 256));
  const descr = /'descr':\s*'([<>|=]?)([a-zA-Z]\d+)'/.exec(header);
  if (!descr) throw new NpzError(`${source}: .npy header has no dtype`);
  if (descr[1] === ">")
    throw new NpzError(`${source}: big-endian dtype >${descr[2]} is not supported`);
  if (!SUPPORTED.has(descr[2])) {
    throw new NpzError(
      `${source}: unsupported dtype ${descr[2]} (supported: ${[...SUPPORTED].join(", ")})`,
    );
  }
  if (/'fortran_order':\s*True/.test(header)) {
    throw new NpzError(`${source}: Fortran-ordered arrays are not supported`);
  }
  // A fresh copy: a Buffer from readFileSync may be a view into Node's shared pool.
  const copy = new Uint8Array(raw).buffer as ArrayBuffer;
  let arr;
  try {
    arr = parse(copy);
  } catch (err) {
    throw new NpzError(`${source}: ${(err as Error).message}`);
  }
  const expected = arr.shape.reduce((a, b) => a * b, 1);
  const data = arr.data as unknown as NumericArray;
  if (data.length !== expected) {
    throw new NpzError(
      `${source}: truncated data (${data.length} values for shape [${arr.shape.join(", ")}])`,
    );
  }
  return { data, shape: arr.shape, dtype: descr[2] };
}

/**
 * Writes arrays as an uncompressed `.npz` archive readable by `np.load`, atomically.
 * `np.savez(path, x)` names a lone positional array `arr_0`; do the same to match it.
 *
 * @example
 * writeNpz("outputs/particles/5bf4506e86_result.npz", { arr_0: { data, shape: [24000, 4, 3], dtype: "f4" } });
 */
export function writeNpz(path: string, arrays: Record<string, NdArray>): void {
  const files: Record<string, Uint8Array> = {};
  for (const [name, arr] of Object.entries(arrays)) {
    const expected = arr.shape.reduce((a, b) => a * b, 1);
    if (arr.data.length !== expected) {
      throw new NpzError(
        `${path}: array ${name} has ${arr.data.length} values, shape [${arr.shape.join(", ")}] needs ${expected}`,
      );
    }
    files[`${name}.npy`] = new Uint8Array(dump(arr.data, arr.shape));
  }
  writeFileAtomic(path, zipSync(files, { level: 0 }));
}

/** Reads one `.npy` file. */
export function readNpy(path: string): NdArray {
  if (!existsSync(path)) throw new NpzError(`${path}: file not found`);
  return parseNpy(readFileSync(path), path);
}

/** Writes one array as an `.npy` file readable by `np.load`, atomically. */
export function writeNpy(path: string, arr: NdArray): void {
  const expected = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.data.length !== expected) {
    throw new NpzError(
      `${path}: ${arr.data.length} values, shape [${arr.shape.join(", ")}] needs ${expected}`,
    );
  }
  writeFileAtomic(path, new Uint8Array(dump(arr.data, arr.shape)));
}
