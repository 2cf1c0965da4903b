import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { readNpz, writeNpz } from "../../src/io/npz";
import { loadModelDir } from "../../src/io/tf-model-files";
import { main } from "../../src/particles/cli";
import { loadParticles } from "../../src/particles/data/particle-data";
import { predictFlat } from "../../src/particles/training/train";
import { mountTmpfs } from "../fixtures/tmpfs";

const dir = mkdtempSync(join(tmpdir(), "pcli-"));
const full = readNpz("data/particles/22233fd544.npz");
const sub = (name: string, n: number) => ({
  ...full[name],
  data: full[name].data.slice(0, n * full[name].shape[1] * full[name].shape[2]),
  shape: [n, ...full[name].shape.slice(1)],
});
const input = join(dir, "tiny.npz");
writeNpz(input, {
  train_x: sub("train_x", 600),
  train_y: sub("train_y", 600),
  test_x: sub("test_x", 50),
});

test("the CLI trains, writes arr_0 (n, 4, 3) float32, metrics and a model that reloads", async () => {
  const out = join(dir, "out");
  const code = await main([input, "--epochs", "2", "--out", out, "--quiet", "--hidden", "8"]);
  assert.equal(code, 0);
  const result = readNpz(join(out, "tiny_result.npz"));
  assert.deepEqual(Object.keys(result), ["arr_0"]);
  assert.deepEqual(result.arr_0.shape, [50, 4, 3]);
  assert.equal(result.arr_0.dtype, "f4");
  const metrics = JSON.parse(readFileSync(join(out, "tiny_metrics.json"), "utf8")) as Record<
    string,
    unknown
  >;
  for (const key of ["params", "valMse", "valScore", "epochs", "seconds", "backend", "threads"])
    assert.ok(key in metrics, key);
  const { model } = await loadModelDir(join(out, "tiny_model"));
  assert.equal(model.countParams(), metrics.params);
  const again = predictFlat(model, loadParticles(input).testX);
  assert.deepEqual(Array.from(again), Array.from(result.arr_0.data as Float32Array));
});

test("with --design broad the CLI sizes the network: the saved model is the kept one, and reloads to the same test_y", async () => {
  const out = join(dir, "broad");
  const code = await main([input, "--epochs", "3", "--out", out, "--quiet", "--design", "broad"]);
  assert.equal(code, 0);
  const metrics = JSON.parse(readFileSync(join(out, "tiny_metrics.json"), "utf8")) as {
    params: number;
    kept: string;
    full: { params: number };
    removals: { part: string; params: number; score: number }[];
  };
  assert.ok(metrics.removals.length > 0);
  // Each removal names the weights left after it; the last leaves the count saved.
  metrics.removals.reduce(
    (n, r) => (assert.ok(r.params < n, r.part), r.params),
    metrics.full.params,
  );
  assert.equal(metrics.removals.at(-1)!.params, metrics.params);
  assert.ok(metrics.params < metrics.full.params, `${metrics.params} of ${metrics.full.params}`);
  const { model } = await loadModelDir(join(out, "tiny_model"));
  // Every scalar of every weight the saved model holds: nothing removed is kept as a mask.
  const held = model.getWeights().reduce((n, w) => n + w.size, 0);
  assert.equal(held, metrics.params);
  assert.equal(model.countParams(), metrics.params);
  const result = readNpz(join(out, "tiny_result.npz"));
  const again = predictFlat(model, loadParticles(input).testX);
  assert.deepEqual(Array.from(again), Array.from(result.arr_0.data as Float32Array));
});

test("bad input makes the CLI exit non-zero with the problem named", () => {
  const bad = join(dir, "bad.npz");
  writeFileSync(bad, "not a zip");
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/particles/cli.ts", ...args], {
      encoding: "utf8",
    });
  const r1 = run([bad]);
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /bad\.npz: not a readable \.npz/);
  const r2 = run([join(dir, "nope.npz")]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /nope\.npz: file not found/);
  const r3 = run([input, "--epochs", "x"]);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /--epochs must be a whole number/);
  const r4 = run([input, "--threads", "0"]);
  assert.equal(r4.status, 1);
  assert.match(r4.stderr, /--threads must be at least 1, got 0/);
  assert.ok(!existsSync("outputs/particles/bad_result.npz"));
});

test("too few samples, int64 arrays and an unwritable --out: named at once, nothing written", async () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/particles/cli.ts", ...args], {
      encoding: "utf8",
    });
  for (const n of [0, 1]) {
    const path = join(dir, `n${n}.npz`);
    writeNpz(path, {
      train_x: sub("train_x", n),
      train_y: sub("train_y", n),
      test_x: sub("test_x", 5),
    });
    const out = join(dir, `out-n${n}`);
    const r = run([path, "--out", out, "--quiet"]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(
      r.stderr,
      new RegExp(`n${n}\\.npz: train_x has ${n} samples; at least 10 are needed`),
    );
    assert.ok(!existsSync(join(out, `n${n}_result.npz`)));
  }
  // int64 arrays (numpy's default for integers) are read as numbers.
  const ints = join(dir, "ints.npz");
  const asInt64 = (name: string, n: number) => {
    const a = sub(name, n);
    return {
      ...a,
      dtype: "i8",
      data: BigInt64Array.from(a.data as Float32Array, (v) => BigInt(Math.round(v * 1000))),
    };
  };
  writeNpz(ints, {
    train_x: asInt64("train_x", 20),
    train_y: asInt64("train_y", 20),
    test_x: asInt64("test_x", 5),
  });
  const loaded = loadParticles(ints);
  assert.equal(loaded.nTrain, 20);
  assert.equal(loaded.trainX[1], Math.round((full.train_x.data[1] as number) * 1000));
  // An --out that cannot be written is refused before training starts.
  const file = join(dir, "a-file");
  writeFileSync(file, "");
  const r = run([input, "--out", join(file, "out")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--out .*a-file\/out: cannot write there \(ENOTDIR/);
  assert.doesNotMatch(r.stdout, /epoch/);
});

test("a run whose save fails (no inodes left) leaves the earlier run's outputs whole and alone", async () => {
  const mount = mountTmpfs("size=8m,nr_inodes=64");
  const out = join(mount, "out");
  const args = [input, "--epochs", "1", "--out", out, "--quiet", "--hidden", "4", "--threads", "1"];
  assert.equal(await main(args), 0);
  const names = ["tiny_result.npz", "tiny_metrics.json"];
  const before = names.map((n) => readFileSync(join(out, n)));
  // Use up every inode, then give three back: enough to start writing the outputs, not to finish.
  const fillers: string[] = [];
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(mount, `f${i}`), "");
      fillers.push(join(mount, `f${i}`));
    } catch {
      break;
    }
  }
  for (const f of fillers.slice(-3)) rmSync(f);
  await assert.rejects(main([...args, "--seed", "7"]), /ENOSPC/);
  names.forEach((n, i) => assert.deepEqual(readFileSync(join(out, n)), before[i], n));
  const { metadata } = await loadModelDir<{ valMse: number }>(join(out, "tiny_model"));
  const metrics = JSON.parse(before[1].toString()) as { valMse: number };
  assert.equal(metadata.valMse, metrics.valMse);
  assert.deepEqual(
    readdirSync(out).filter((f) => f.startsWith(".staging")),
    [],
    "no staging folder left",
  );
});

test("a staging folder left by a killed run is removed by the next run", async () => {
  const out = join(dir, "out-killed");
  mkdirSync(join(out, ".staging-999999999-1"), { recursive: true });
  writeFileSync(join(out, ".staging-999999999-1", "tiny_result.npz"), "half");
  const code = await main([input, "--epochs", "1", "--out", out, "--quiet", "--hidden", "4"]);
  assert.equal(code, 0);
  assert.deepEqual(
    readdirSync(out)
      .filter((f) => !f.startsWith("tiny_model.v-"))
      .sort(),
    ["tiny_metrics.json", "tiny_model", "tiny_result.npz"],
  );
});
