import { crc32, inflateRawSync } from "node:zlib";

/**
 * What an untrusted zip archive may cost: the inflated bytes of the entries read, summed, are
 * capped before anything is inflated. 1 GiB by default: the public particle sets inflate to a
 * hundredth of it, and a set larger than this would not fit a training in memory either.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 ** 3;

/** Raised for a zip archive that is damaged, unsupported or over its limits; names the entry. */
export class ZipError extends Error {
  override name = "ZipError";
}

/** One entry of a zip archive's central directory. */
interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Options of {@link readZipEntries}. */
export interface ZipReadOptions {
  /** Entries to inflate (others are listed but never inflated); all when absent. */
  wanted?: (name: string) => boolean;
  /** Cap on the declared inflated size of the wanted entries, summed. */
  maxInflatedBytes?: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FULL32 = 0xffffffff;

/**
 * Reads the entries of a zip archive held in memory, as `np.savez` writes them (stored or deflated,
 * zip64 or not), checking what a zip reader must check of an untrusted file: every entry's CRC-32,
 * its inflated size against the declared one (inflation stops at the declared size, so a lying
 * header cannot inflate more), and the declared total against `maxInflatedBytes` before anything
 * is inflated. Entries not wanted are skipped unread.
 *
 * Hand-written over `node:zlib` (which inflates and computes the CRC) because fflate, the project's
 * zip library, neither checks CRC-32 nor bounds inflation by the declared size.
 *
 * @example
 * const entries = readZipEntries(bytes, { wanted: (n) => n === "train_x.npy" });
 * entries.names; // every entry's name; entries.data.get("train_x.npy") the inflated bytes
 */
export function readZipEntries(
  bytes: Uint8Array,
  options: ZipReadOptions = {},
): { names: string[]; data: Map<string, Uint8Array> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = centralDirectory(bytes, view);
  const wanted = entries.filter((e) => options.wanted?.(e.name) ?? true);
  const max = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const total = wanted.reduce((sum, e) => sum + e.size, 0);
  if (total > max)
    throw new ZipError(
      `the entries to read would inflate to ${total} bytes, over the limit of ${max} bytes`,
    );
  const data = new Map<string, Uint8Array>();
  for (const e of wanted) data.set(e.name, inflateEntry(bytes, view, e));
  return { names: entries.map((e) => e.name), data };
}

/** The central directory's entries, located through the end record (and its zip64 form). */
function centralDirectory(bytes: Uint8Array, view: DataView): CentralEntry[] {
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--)
    if (view.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  if (end < 0) throw new ZipError("no end of central directory record (not a zip archive)");
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if ((count === 0xffff || offset === FULL32) && end >= 20) {
    if (view.getUint32(end - 20, true) !== ZIP64_LOCATOR)
      throw new ZipError("zip64 archive without its zip64 locator");
    const at = Number(view.getBigUint64(end - 12, true));
    if (at + 56 > bytes.length || view.getUint32(at, true) !== ZIP64_EOCD)
      throw new ZipError("zip64 end of central directory record missing or damaged");
    count = Number(view.getBigUint64(at + 32, true));
    offset = Number(view.getBigUint64(at + 48, true));
  }
  const entries: CentralEntry[] = [];
  for (let i = 0, at = offset; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL)
      throw new ZipError(`central directory entry ${i} missing or damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const entry: CentralEntry = {
      name: Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString("utf8"),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    readZip64Extra(view, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces the 32-bit fields saturated at 0xffffffff by their zip64 extra field's values. */
function readZip64Extra(view: DataView, start: number, length: number, e: CentralEntry): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        if (field + 8 > at + 4 + size) throw new ZipError(`${e.name}: zip64 extra field too short`);
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (e.size === FULL32) e.size = next();
      if (e.compressedSize === FULL32) e.compressedSize = next();
      if (e.localOffset === FULL32) e.localOffset = next();
    }
    at += 4 + size;
  }
}

/** One entry's bytes, inflated no further than its declared size and checked against its CRC-32. */
function inflateEntry(bytes: Uint8Array, view: DataView, e: CentralEntry): Uint8Array {
  if (e.flags & 1) throw new ZipError(`${e.name}: encrypted entries are not supported`);
  const at = e.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL)
    throw new ZipError(`${e.name}: local header missing or damaged`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + e.compressedSize > bytes.length)
    throw new ZipError(`${e.name}: truncated (its data runs past the end of the file)`);
  const packed = bytes.subarray(start, start + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) out = packed;
  else if (e.method === 8) {
    try {
      out = e.size === 0 ? new Uint8Array(0) : inflateRawSync(packed, { maxOutputLength: e.size });
    } catch (err) {
      const tooBig = (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      throw new ZipError(
        tooBig
          ? `${e.name}: inflates to more than its declared ${e.size} bytes`
          : `${e.name}: damaged deflate data (${(err as Error).message})`,
      );
    }
  } else throw new ZipError(`${e.name}: compression method ${e.method} is not supported`);
  if (out.length !== e.size)
    throw new ZipError(`${e.name}: ${out.length} bytes where ${e.size} were declared`);
  if (crc32(out) >>> 0 !== e.crc) throw new ZipError(`${e.name}: bad CRC-32 (the file is damaged)`);
  return out;
}
