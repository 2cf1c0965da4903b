import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";

import { ReplicaGroup, shardRange } from "../../src/training/replica-group";

/** A worker that joins the group as `rank` and sums `rounds` vectors: `values`, or [rank + round, 1]. */
const replica = (
  buffer: SharedArrayBuffer,
  rank: number,
  size: number,
  rounds: number,
  values?: number[],
) =>
  new Promise<number[][]>((resolve, reject) => {
    const w = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       require(${JSON.stringify(require.resolve("tsx/cjs"))});
       const { ReplicaGroup } = require(${JSON.stringify(require.resolve("../../src/training/replica-group.ts"))});
       const g = new ReplicaGroup(workerData.buffer, workerData.rank, workerData.size);
       const out = [];
       try {
         for (let r = 0; r < workerData.rounds; r++)
           out.push([...g.sum([workerData.values ?? [workerData.rank + r, 1]])]);
         parentPort.postMessage({ out });
       } catch (e) { parentPort.postMessage({ error: e.name }); }`,
      { eval: true, workerData: { buffer, rank, size, rounds, values } },
    );
    w.once("message", (m: { out?: number[][]; error?: string }) =>
      m.error ? reject(new Error(m.error)) : resolve(m.out!),
    );
    w.once("error", reject);
  });

test("every replica gets the same sums, round after round", async () => {
  const size = 3;
  const buffer = ReplicaGroup.allocate(size, 2);
  const outs = await Promise.all([0, 1, 2].map((rank) => replica(buffer, rank, size, 50)));
  for (let r = 0; r < 50; r++) {
    // (0 + r) + (1 + r) + (2 + r), and one per replica.
    const expected = [3 + 3 * r, 3];
    for (const out of outs) assert.deepEqual(out[r], expected);
  }
});

test("one replica holding every shard sums them as replicas holding one each do, to the bit", async () => {
  // Values whose float64 sum depends on the order they are added in.
  const shards = [
    [0.1, 1e16],
    [0.2, 1],
    [0.3, -1e16],
  ];
  const alone = new ReplicaGroup(ReplicaGroup.allocate(3, 2), 0, 1, 3);
  assert.deepEqual(alone.mine, [0, 3]);
  const total = alone.sum(shards);
  assert.deepEqual([...total], [0.1 + 0.2 + 0.3, 1e16 + 1 - 1e16]);
  const buffer = ReplicaGroup.allocate(3, 2);
  const outs = await Promise.all(
    [0, 1, 2].map((rank) => replica(buffer, rank, 3, 1, shards[rank])),
  );
  for (const out of outs) assert.deepEqual(out[0], [...total]);
});

test("an aborted group stops a replica waiting for the others", async () => {
  const buffer = ReplicaGroup.allocate(2, 2);
  const waiting = replica(buffer, 0, 2, 1); // rank 1 never comes
  setTimeout(() => ReplicaGroup.abort(buffer), 300);
  await assert.rejects(waiting, /ReplicaAbortedError/);
});

test("a sum wider than the group, or a rank outside it, is refused", () => {
  const buffer = ReplicaGroup.allocate(2, 2);
  assert.throws(() => new ReplicaGroup(buffer, 2, 2), /rank 2 outside 0 … 1/);
  assert.throws(
    () => new ReplicaGroup(buffer, 0, 2).sum([[1, 2, 3]]),
    /3 values: the group holds 2/,
  );
  assert.throws(
    () => new ReplicaGroup(buffer, 0, 2).sum([[1], [2]]),
    /holds 1 shards, was given 2/,
  );
  assert.throws(
    () => new ReplicaGroup(buffer, 0, 3, 2),
    /3 replicas needs at least as many shards/,
  );
});

test("shard ranges cover the items in order, differing in length by at most one", () => {
  for (const [n, size] of [
    [10, 2],
    [7, 3],
    [1, 2],
    [0, 2],
    [1024, 2],
  ]) {
    const parts = Array.from({ length: size }, (_, r) => shardRange(n, r, size));
    assert.equal(parts[0][0], 0);
    assert.equal(parts[size - 1][1], n);
    for (let r = 1; r < size; r++) assert.equal(parts[r][0], parts[r - 1][1]);
    const lengths = parts.map(([s, e]) => e - s);
    assert.ok(Math.max(...lengths) - Math.min(...lengths) <= 1, `${n}/${size}: ${lengths}`);
  }
});
