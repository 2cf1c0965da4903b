import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { zipSync } from "fflate";

import { NpzError, readNpy, readNpz, writeNpy, writeNpz } from "../../src/io/npz";

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

test("an unknown dtype is named", () => {
  const header = "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }";
  const padded = header.padEnd(118, " ") + "\n";
  const npy = new Uint8Array(10 + padded.length + 16);
  npy.set([0x93, ...Buffer.from("NUMPY"), 1, 0, padded.length & 0xff, padded.length >> 8]);
  npy.set(Buffer.from(padded), 10);
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

test("small .npy files (read from Node's pooled buffers) round-trip", () => {
  const path = join(dir, "small.npy");
  writeNpy(path, { data: Float32Array.of(1.5, -2), shape: [1, 2], dtype: "f4" });
  const back = readNpy(path);
  assert.deepEqual(back.shape, [1, 2]);
  assert.deepEqual(Array.from(back.data as Float32Array), [1.5, -2]);
});
