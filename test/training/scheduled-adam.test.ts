import assert from "node:assert/strict";
import { test } from "node:test";

import * as tf from "@tensorflow/tfjs";

import { SeededRandom } from "../../src/random/seeded";
import { initBackend } from "../../src/runtime/tf-backend";
import { ScheduledAdam } from "../../src/training/scheduled-adam";

/** What `applyGradients` takes; tfjs types the map as of variables, and reads tensors. */
type Gradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

/** Gradients of every size a training meets: tiny, usual, huge, zero, of either sign. */
function gradientValues(random: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) =>
    i % 7 === 3 ? 0 : random.normal() * 10 ** (random.int(16) - 8),
  );
}

test("ScheduledAdam's steps give tfjs's Adam's weights to the bit, learning rate changes included", async () => {
  await initBackend();
  const random = new SeededRandom(11);
  const shapes = [[5, 3], [3], [1]];
  const start = shapes.map((s) =>
    gradientValues(
      random,
      s.reduce((a, b) => a * b, 1),
    ),
  );
  const mine = start.map((w, k) => tf.variable(tf.tensor(w, shapes[k]), true, `mine${k}`));
  const theirs = start.map((w, k) => tf.variable(tf.tensor(w, shapes[k]), true, `theirs${k}`));
  const adam = new ScheduledAdam(0.03);
  const reference = new tf.AdamOptimizer(0.03, 0.9, 0.999);
  for (let step = 0; step < 40; step++) {
    if (step === 25) {
      adam.setLearningRate(0.004);
      // tfjs has no setter: the field the subclass sets, set the same way.
      (reference as unknown as { learningRate: number }).learningRate = 0.004;
    }
    const grads = shapes.map((s) => tf.tensor(gradientValues(random, s[0] * (s[1] ?? 1)), s));
    // The last variable gets no gradient every third step: its moments wait, as in tfjs.
    const given = (prefix: string): tf.NamedTensorMap =>
      Object.fromEntries(
        grads.flatMap((g, k) => (k === 2 && step % 3 === 0 ? [] : [[`${prefix}${k}`, g]])),
      );
    adam.applyGradients(given("mine") as unknown as Gradients);
    reference.applyGradients(given("theirs") as unknown as Gradients);
    tf.dispose(grads);
  }
  mine.forEach((v, k) => {
    const a = v.dataSync() as Float32Array;
    const b = theirs[k].dataSync() as Float32Array;
    assert.notDeepEqual(Array.from(a), Array.from(start[k]), "the weights moved");
    assert.deepEqual(Array.from(a), Array.from(b), `variable ${k}`);
  });
  tf.dispose([...mine, ...theirs]);
  adam.dispose();
  reference.dispose();
});

test("applyFlat takes applyGradients' steps to the bit, on gradients that never became tensors", async () => {
  await initBackend();
  const random = new SeededRandom(12);
  const shapes = [[4, 2], [2]];
  const start = shapes.map((s) => gradientValues(random, s[0] * (s[1] ?? 1)));
  const named = start.map((w, k) => tf.variable(tf.tensor(w, shapes[k]), true, `named${k}`));
  const flat = start.map((w, k) => tf.variable(tf.tensor(w, shapes[k]), true, `flat${k}`));
  const byName = new ScheduledAdam(0.02);
  const byFlat = new ScheduledAdam(0.02);
  for (let step = 0; step < 30; step++) {
    const grads = [gradientValues(random, 8), gradientValues(random, 2)];
    const tensors = grads.map((g, k) => tf.tensor(g, shapes[k]));
    byName.applyGradients(
      Object.fromEntries(tensors.map((t, k) => [`named${k}`, t])) as unknown as Gradients,
    );
    byFlat.applyFlat(flat, Float32Array.from([...grads[0], ...grads[1]]));
    tf.dispose(tensors);
  }
  flat.forEach((v, k) => {
    assert.notDeepEqual(Array.from(v.dataSync()), Array.from(start[k]), "the weights moved");
    assert.deepEqual(Array.from(v.dataSync()), Array.from(named[k].dataSync()), `variable ${k}`);
  });
  assert.throws(() => byFlat.applyFlat(flat, new Float32Array(3)), /3 gradients for 10 weights/);
  tf.dispose([...named, ...flat]);
  byName.dispose();
  byFlat.dispose();
});

test("ScheduledAdam names a gradient of no variable", async () => {
  await initBackend();
  const adam = new ScheduledAdam(0.01);
  const g = tf.tensor([1, 2]);
  assert.throws(
    () => adam.applyGradients({ nowhere: g } as unknown as Gradients),
    /no variable named nowhere/,
  );
  g.dispose();
  adam.dispose();
});
