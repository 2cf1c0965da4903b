import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { type NdArray, NpzError, writeNpz } from "../../../src/io/npz";
import {
  loadParticles,
  ParticleDataError,
  particleInput,
  particleOutput,
  splitIndices,
} from "../../../src/particles/data/particle-data";

const dir = mkdtempSync(join(tmpdir(), "particles-"));
const arr = (shape: number[], fill = 0.5): NdArray => ({
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
  shape,
  dtype: "f4",
});
const write = (name: string, arrays: Record<string, NdArray>): string => {
  const path = join(dir, name);
  writeNpz(path, arrays);
  return path;
};

test("loadParticles reads a well-formed file", () => {
  const path = write("ok.npz", {
    train_x: arr([10, 4, 7]),
    train_y: arr([10, 4, 3]),
    test_x: arr([5, 4, 7]),
  });
  const d = loadParticles(path);
  assert.equal(d.nTrain, 10);
  assert.equal(d.nTest, 5);
  assert.equal(d.trainX.length, 280);
});

test("loadParticles names a missing array, a wrong shape, NaN and a mismatch", () => {
  const missing = write("missing.npz", { train_x: arr([10, 4, 7]), test_x: arr([5, 4, 7]) });
  assert.throws(
    () => loadParticles(missing),
    /missing\.npz: no array train_y \(found: train_x, test_x\)/,
  );
  const shape = write("shape.npz", {
    train_x: arr([10, 4, 6]),
    train_y: arr([10, 4, 3]),
    test_x: arr([5, 4, 7]),
  });
  assert.throws(
    () => loadParticles(shape),
    /shape\.npz: train_x has shape \(10, 4, 6\), expected \(n, 4, 7\)/,
  );
  const bad = arr([10, 4, 3]);
  (bad.data as Float32Array)[2 * 12 + 1 * 3 + 2] = NaN;
  const nan = write("nan.npz", { train_x: arr([10, 4, 7]), train_y: bad, test_x: arr([5, 4, 7]) });
  assert.throws(() => loadParticles(nan), /nan\.npz: train_y\[2, 1, 2\] is NaN/);
  assert.throws(() => loadParticles(nan), ParticleDataError);
  const count = write("count.npz", {
    train_x: arr([10, 4, 7]),
    train_y: arr([9, 4, 3]),
    test_x: arr([5, 4, 7]),
  });
  assert.throws(() => loadParticles(count), /train_x has 10 samples but train_y 9/);
  assert.throws(() => loadParticles(join(dir, "absent.npz")), /absent\.npz: file not found/);
  assert.throws(() => loadParticles(join(dir, "absent.npz")), NpzError);
});

test("splitIndices holds out 10%, disjoint and complete, the same for the same seed", () => {
  const a = splitIndices(1000, 0.1, 3);
  assert.equal(a.val.length, 100);
  assert.equal(new Set([...a.train, ...a.val]).size, 1000);
  assert.deepEqual(splitIndices(1000, 0.1, 3), a);
  assert.notDeepEqual(splitIndices(1000, 0.1, 4).val, a.val);
});

test("particleInput and particleOutput read one particle of one sample by name", () => {
  const x = Float32Array.from({ length: 2 * 28 }, (_, k) => k);
  const y = Float32Array.from({ length: 2 * 12 }, (_, k) => 100 + k);
  assert.deepEqual(particleInput(x, 1, 2), {
    position: [42, 43, 44],
    velocity: [45, 46, 47],
    property: 48,
  });
  assert.deepEqual(particleOutput(y, 1, 3), [121, 122, 123]);
});
