import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/**
 * Reads a whole file given by a user, refusing at once, with the path named, what would hang or
 * exhaust memory: a missing path, a folder, a FIFO, socket or device (`/dev/zero` never ends), or a
 * file over `maxBytes`. The file is opened without blocking (a FIFO with no writer would otherwise
 * wait forever) and checked through its descriptor, so what is checked is what is read.
 *
 * @example
 * const bytes = readRegularFile("data/particles/5bf4506e86.npz", 2 ** 31 - 1, NpzError);
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  ErrorType: new (message: string) => Error = Error,
): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ErrorType(`${path}: file not found`);
    throw new ErrorType(`${path}: cannot be opened (${code ?? (err as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ErrorType(`${path}: is a folder, not a file`);
    if (!stat.isFile())
      throw new ErrorType(`${path}: not a regular file (a FIFO, socket or device); give a file`);
    if (stat.size > maxBytes)
      throw new ErrorType(`${path}: ${stat.size} bytes, over the limit of ${maxBytes} bytes`);
    const out = Buffer.alloc(stat.size);
    let read = 0;
    while (read < out.length) {
      const n = readSync(fd, out, read, out.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read !== out.length)
      throw new ErrorType(`${path}: shrank while being read (${read} of ${stat.size} bytes)`);
    return out;
  } catch (err) {
    if (err instanceof ErrorType) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ErrorType(`${path}: cannot be read (${code ?? (err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}
