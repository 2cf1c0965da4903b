import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { zipSync } from "fflate";

import { NpzError, readNpz, writeNpz } from "../../src/io/npz";

const dir = mkdtempSync(join(tmpdir(), "npz-"));

test("writeNpz/readNpz round-trip float32, float64 and int32 with shapes", () => {
  const path = join(dir, "round.npz");
  const f4 = Float32Array.from({ length: 24 }, (_, i) => i / 7);
  const f8 = Float64Array.from({ length: 6 }, (_, i) => Math.PI * i);
  const i4 = Int32Array.from([1, -2, 3, 2147483647]);
  writeNpz(path, {
    arr_0: { data: f4, shape: [2, 4, 3], dtype: "f4" },
    f8: { data: f8, shape: [6], dtype: "f8" },
    i4: { data: i4, shape: [2, 2], dtype: "i4" },
  });
  const back = readNpz(path);
  assert.deepEqual(Object.keys(back).sort(), ["arr_0", "f8", "i4"]);
  assert.deepEqual(back.arr_0.shape, [2, 4, 3]);
  assert.equal(back.arr_0.dtype, "f4");
  assert.deepEqual(Array.from(back.arr_0.data as Float32Array), Array.from(f4));
  assert.deepEqual(Array.from(back.f8.data as Float64Array), Array.from(f8));
  assert.deepEqual(Array.from(back.i4.data as Int32Array), Array.from(i4));
});

test("readNpz reads the particle data with its documented shapes", () => {
  const arrays = readNpz("data/particles/5bf4506e86.npz");
  assert.deepEqual(arrays.train_x.shape, [48000, 4, 7]);
  assert.deepEqual(arrays.train_y.shape, [48000, 4, 3]);
  assert.deepEqual(arrays.test_x.shape, [24000, 4, 7]);
  assert.ok(arrays.train_x.data instanceof Float32Array);
});

test("a missing file names the path", () => {
  assert.throws(
    () => readNpz(join(dir, "nope.npz")),
    (e: Error) => e instanceof NpzError && /nope\.npz: file not found/.test(e.message),
  );
});

test("a truncated archive is reported as unreadable, naming the file", () => {
  const path = join(dir, "trunc.npz");
  writeNpz(path, { a: { data: new Float32Array(100), shape: [100], dtype: "f4" } });
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 40));
  assert.throws(
    () => readNpz(path),
    (e: Error) => e instanceof NpzError && e.message.startsWith(`${path}: not a readable .npz`),
  );
});

/** An `.npy` (format 1.0) with the header text given as is, padded to `headerLength`. */
function npyWithHeader(header: string, data: Uint8Array, headerLength = 118): Uint8Array {
  const padded = header.padEnd(headerLength, " ") + "\n";
  const npy = new Uint8Array(10 + padded.length + data.length);
  npy.set([0x93, ...Buffer.from("NUMPY"), 1, 0, padded.length & 0xff, padded.length >> 8]);
  npy.set(Buffer.from(padded), 10);
  npy.set(data, 10 + padded.length);
  return npy;
}

test("an unknown dtype is named", () => {
  const header = "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }";
  const npy = npyWithHeader(header, new Uint8Array(16));
  const path = join(dir, "c16.npz");
  writeFileSync(path, zipSync({ "z.npy": npy }));
  assert.throws(() => readNpz(path), /c16\.npz:z\.npy: unsupported dtype c16/);
});

test("an entry that is not .npy and data shorter than its shape are errors", () => {
  const path = join(dir, "txt.npz");
  writeFileSync(path, zipSync({ "readme.txt": Buffer.from("hi") }));
  assert.throws(() => readNpz(path), /entry readme\.txt is not an \.npy array/);
  assert.throws(
    () =>
      writeNpz(join(dir, "bad.npz"), {
        a: { data: new Float32Array(5), shape: [2, 3], dtype: "f4" },
      }),
    /array a has 5 values, shape \[2, 3\] needs 6/,
  );
});

test("small arrays (whose bytes may sit in Node's pooled buffers) round-trip", () => {
  const path = join(dir, "small.npz");
  writeNpz(path, { a: { data: Float32Array.of(1.5, -2), shape: [1, 2], dtype: "f4" } });
  const back = readNpz(path).a;
  assert.deepEqual(back.shape, [1, 2]);
  assert.deepEqual(Array.from(back.data as Float32Array), [1.5, -2]);
});

test("a Fortran-ordered array is read in C order, however its header is spelled", () => {
  // numpy: np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)) stores 0 3 1 4 2 5.
  const data = new Uint8Array(Float32Array.of(0, 3, 1, 4, 2, 5).buffer);
  const spaced = "{'descr': '<f4', 'fortran_order' : True, 'shape': (2, 3), }";
  // The flag past the first 256 bytes of the header, as a padded or hand-written header has it.
  const late = `{'descr': '<f4', ${" ".repeat(300)}'shape': (2, 3), 'fortran_order': True}`;
  for (const [name, header] of [
    ["spaced", spaced],
    ["late", late],
  ]) {
    const path = join(dir, `fortran-${name}.npz`);
    writeFileSync(path, zipSync({ "a.npy": npyWithHeader(header, data, 501) }));
    const { a } = readNpz(path);
    assert.deepEqual(a.shape, [2, 3], name);
    assert.deepEqual(Array.from(a.data as Float32Array), [0, 1, 2, 3, 4, 5], name);
  }
});

test("a shape that is not whole numbers is refused, naming the entry", () => {
  for (const shape of ["(10.5, 4, 7)", "(4e1, 4, 7)", "(-1, 4)"]) {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
    const path = join(dir, "shape.npz");
    writeFileSync(path, zipSync({ "a.npy": npyWithHeader(header, new Uint8Array(4 * 280)) }));
    assert.throws(
      () => readNpz(path),
      (e: Error) =>
        e instanceof NpzError &&
        e.message.includes(`shape.npz:a.npy: .npy header's shape ${shape} is not a tuple`),
      shape,
    );
  }
});

test("one flipped byte in an entry's data fails its CRC-32, naming the file and entry", () => {
  const path = join(dir, "crc.npz");
  writeNpz(path, {
    train_y: { data: new Float32Array(64).fill(0.8138), shape: [64], dtype: "f4" },
  });
  const bytes = readFileSync(path);
  bytes[bytes.indexOf(Buffer.from(Float32Array.of(0.8138).buffer)) + 3] ^= 0x40;
  writeFileSync(path, bytes);
  assert.throws(
    () => readNpz(path),
    (e: Error) => e instanceof NpzError && /crc\.npz: .*train_y\.npy: bad CRC-32/.test(e.message),
  );
});

test("a zip bomb is refused before inflating, and entries not asked for are never inflated", () => {
  const zeros = new Uint8Array(64 * 1024 ** 2);
  const small = npyWithHeader(
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
    new Uint8Array(8),
  );
  const path = join(dir, "bomb.npz");
  writeFileSync(path, zipSync({ "a.npy": small, "extra.npy": zeros }, { level: 9 }));
  assert.ok(readFileSync(path).length < 1024 ** 2);
  assert.throws(
    () => readNpz(path, { maxInflatedBytes: 16 * 1024 ** 2 }),
    /bomb\.npz: .*would inflate to \d+ bytes, over the limit of 16777216 bytes/,
  );
  assert.deepEqual(Object.keys(readNpz(path, { names: ["a"], maxInflatedBytes: 1024 })), ["a"]);
  // A damaged entry that is not asked for stays unread.
  const bytes = readFileSync(path);
  bytes[bytes.length - 200] ^= 0xff;
  writeFileSync(path, bytes);
  assert.deepEqual(Object.keys(readNpz(path, { names: ["a"] })), ["a"]);
});

test("an entry whose header understates its size stops inflating at the declared size", () => {
  const path = join(dir, "liar.npz");
  writeFileSync(path, zipSync({ "a.npy": new Uint8Array(1024 ** 2) }, { level: 9 }));
  const bytes = readFileSync(path);
  // The central directory's uncompressed size of the one entry: 46-byte records, size at +24.
  const central = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(1000, central + 24);
  writeFileSync(path, bytes);
  assert.throws(
    () => readNpz(path),
    /liar\.npz: .*a\.npy: inflates to more than its declared 1000 bytes/,
  );
});

test("a folder, a FIFO or a device is refused at once, naming it", () => {
  assert.throws(() => readNpz(dir), new RegExp(`${dir}: is a folder, not a file`));
  assert.throws(() => readNpz("/dev/zero"), /\/dev\/zero: not a regular file/);
  const fifo = join(dir, "fifo.npz");
  execFileSync("mkfifo", [fifo]);
  assert.throws(() => readNpz(fifo), /fifo\.npz: not a regular file/);
});
