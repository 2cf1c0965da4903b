import { zipSync } from "fflate";
import { dump } from "npyjs";

import { writeFileAtomic } from "./atomic-write";
import { parsePythonLiteral, type PyValue } from "./python-literal";
import { readRegularFile } from "./regular-file";
import { readZipEntries } from "./zip-entries";

export { DEFAULT_MAX_INFLATED_BYTES } from "./zip-entries";

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

/** The typed array of each supported dtype, over a buffer of its data. */
const TYPED: Record<string, (buffer: ArrayBuffer) => NumericArray> = {
  f4: (b) => new Float32Array(b),
  f8: (b) => new Float64Array(b),
  i4: (b) => new Int32Array(b),
  i8: (b) => new BigInt64Array(b),
  u1: (b) => new Uint8Array(b),
};
const SUPPORTED = new Set(Object.keys(TYPED));

/** Raised for a malformed `.npz`/`.npy`; the message names the file (and entry) and the problem. */
export class NpzError extends Error {
  override name = "NpzError";
}

/** Options of {@link readNpz}. */
export interface NpzReadOptions {
  /** Arrays to read (entry names without `.npy`); the others are skipped, never inflated. */
  names?: readonly string[];
  /** Cap on the inflated bytes of the arrays read (default {@link DEFAULT_MAX_INFLATED_BYTES}). */
  maxInflatedBytes?: number;
}

/**
 * Largest `.npz` file read, in bytes: what one `readFileSync` can hold. A larger file, a folder, a
 * FIFO or a device is refused before any byte is read, naming the file.
 */
export const MAX_NPZ_FILE_BYTES = 2 ** 31 - 1;

/**
 * Reads the arrays of a numpy `.npz` archive (as `np.savez` writes it), as an untrusted file: only a
 * regular file of at most {@link MAX_NPZ_FILE_BYTES} is opened, every entry read is checked against
 * its CRC-32 and inflated within a cap (see readZipEntries), and each `.npy` header is parsed
 * whole (Fortran order is honoured, a shape must be whole numbers).
 *
 * @example
 * const { train_x } = readNpz("data/particles/5bf4506e86.npz"); // train_x.shape = [48000, 4, 7]
 */
export function readNpz(path: string, options: NpzReadOptions = {}): Record<string, NdArray> {
  return parseNpz(readRegularFile(path, MAX_NPZ_FILE_BYTES, NpzError), path, options);
}

/** Parses the bytes of an `.npz` archive; `source` names it in error messages. */
export function parseNpz(
  bytes: Uint8Array,
  source: string,
  options: NpzReadOptions = {},
): Record<string, NdArray> {
  const names = options.names && new Set(options.names.map((n) => `${n}.npy`));
  let entries: { names: string[]; data: Map<string, Uint8Array> };
  try {
    entries = readZipEntries(bytes, {
      wanted: (name) => names?.has(name) ?? true,
      maxInflatedBytes: options.maxInflatedBytes,
    });
  } catch (err) {
    throw new NpzError(`${source}: not a readable .npz (zip) archive: ${(err as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const entry of entries.names) {
    if (!entry.endsWith(".npy"))
      throw new NpzError(`${source}: entry ${entry} is not an .npy array`);
    const raw = entries.data.get(entry);
    if (raw) out[entry.slice(0, -4)] = parseNpy(raw, `${source}:${entry}`);
  }
  return out;
}

/** The fields of an `.npy` header that say how to read its data. */
interface NpyHeader {
  dtype: string;
  byteOrder: string;
  fortranOrder: boolean;
  shape: number[];
  /** Where the data starts, after the header. */
  dataOffset: number;
}

/** Parses an `.npy` header whole, as numpy does (a Python dict literal); `source` names it. */
function parseNpyHeader(raw: Uint8Array, source: string): NpyHeader {
  const magic = String.fromCharCode(...raw.subarray(1, 6));
  if (raw.length < 10 || raw[0] !== 0x93 || magic !== "NUMPY") {
    throw new NpzError(`${source}: not an .npy array (bad magic bytes)`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const [offset, length] =
    raw[6] <= 1
      ? [10, view.getUint16(8, true)]
      : [12, raw.length >= 12 ? view.getUint32(8, true) : 0];
  if (offset + length > raw.length) throw new NpzError(`${source}: truncated .npy header`);
  const text = Buffer.from(raw.subarray(offset, offset + length)).toString("latin1");
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(text.trim());
  } catch (err) {
    throw new NpzError(`${source}: unreadable .npy header (${(err as Error).message})`);
  }
  if (!dict || typeof dict !== "object" || Array.isArray(dict))
    throw new NpzError(`${source}: .npy header is not a dict`);
  const descr = typeof dict.descr === "string" ? /^([<>|=]?)([a-zA-Z]\d+)$/.exec(dict.descr) : null;
  if (!descr) throw new NpzError(`${source}: .npy header has no dtype`);
  if (typeof dict.fortran_order !== "boolean")
    throw new NpzError(`${source}: .npy header has no fortran_order flag`);
  // Whole numbers only, as numpy requires: (10.5, 4, 7) or (4e1, 4, 7) are not shapes.
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  const dims = shapeText?.split(",").map((d) => d.trim());
  if (dims && dims[dims.length - 1] === "") dims.pop();
  if (!dims || !dims.every((d) => /^\d+$/.test(d) && Number.isSafeInteger(Number(d))))
    throw new NpzError(
      `${source}: .npy header's shape ${shapeText === undefined ? "is missing" : `(${shapeText}) is not a tuple of whole numbers`}`,
    );
  return {
    byteOrder: descr[1],
    dtype: descr[2],
    fortranOrder: dict.fortran_order,
    shape: dims.map(Number),
    dataOffset: offset + length,
  };
}

/** Parses one `.npy` array; `source` names it in error messages. */
export function parseNpy(raw: Uint8Array, source: string): NdArray {
  const header = parseNpyHeader(raw, source);
  if (header.byteOrder === ">")
    throw new NpzError(`${source}: big-endian dtype >${header.dtype} is not supported`);
  if (!SUPPORTED.has(header.dtype)) {
    throw new NpzError(
      `${source}: unsupported dtype ${header.dtype} (supported: ${[...SUPPORTED].join(", ")})`,
    );
  }
  const { shape } = header;
  const expected = shape.reduce((a, b) => a * b, 1);
  const width = Number(header.dtype.slice(1));
  const bytes = raw.length - header.dataOffset;
  if (bytes !== expected * width) {
    throw new NpzError(
      `${source}: ${bytes < expected * width ? "truncated data" : "more data than its shape holds"} (${Math.floor(bytes / width)} values for shape [${shape.join(", ")}])`,
    );
  }
  // A copy of the data alone: aligned for the typed array, and not a view into a shared pool.
  const data = TYPED[header.dtype](new Uint8Array(raw.subarray(header.dataOffset)).buffer);
  return {
    data: header.fortranOrder ? fortranToC(data, shape) : data,
    shape,
    dtype: header.dtype,
  };
}

/** The values of a Fortran-ordered (column-major) array in C (row-major) order. */
function fortranToC<T extends NumericArray>(data: T, shape: readonly number[]): T {
  const out = data.slice() as T;
  const fStride = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const index = shape.map(() => 0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let k = 0; k < shape.length; k++) f += index[k] * fStride[k];
    out[c] = data[f];
    for (let k = shape.length - 1; k >= 0 && ++index[k] === shape[k]; k--) index[k] = 0;
  }
  return out;
}

/**
 * Writes arrays as an uncompressed `.npz` archive readable by `np.load`, atomically.
 * `np.savez(path, x)` names a lone positional array `arr_0`; do the same to match it.
 *
 * @example
 * writeNpz("outputs/particles/5bf4506e86_result.npz", { arr_0: { data, shape: [24000, 4, 3], dtype: "f4" } });
 */
export function writeNpz(path: string, arrays: Record<string, NdArray>): void {
  writeFileAtomic(path, npzBytes(arrays, path));
}

/**
 * The bytes of an uncompressed `.npz` archive of `arrays`, as {@link writeNpz} writes them; `target`
 * names the file in error messages.
 */
export function npzBytes(arrays: Record<string, NdArray>, target = "npz"): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, arr] of Object.entries(arrays)) {
    const expected = arr.shape.reduce((a, b) => a * b, 1);
    if (arr.data.length !== expected) {
      throw new NpzError(
        `${target}: array ${name} has ${arr.data.length} values, shape [${arr.shape.join(", ")}] needs ${expected}`,
      );
    }
    files[`${name}.npy`] = new Uint8Array(dump(arr.data, arr.shape));
  }
  return zipSync(files, { level: 0 });
}
