import * as tf from "@tensorflow/tfjs";

import { ADAM_BETA1 as BETA1, ADAM_BETA2 as BETA2 } from "./adam-constants";

/** What tfjs's `applyGradients` takes: gradients by variable name. */
type Gradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

/** A variable's moments, kept between steps. */
interface Moments {
  m: Float32Array;
  v: Float32Array;
}

/**
 * tfjs's Adam, its step computed in JavaScript, whose learning rate a schedule may change
 * between epochs (tfjs keeps it in a protected field with no setter). tfjs runs a step as about
 * a dozen element-wise ops per variable, and with the particle network's few small variables the
 * ops' dispatch cost more than their arithmetic. Here a step reads each gradient and variable
 * once and writes the variable once; every operation is rounded to float32 (`Math.fround`) in
 * the order of tfjs's `AdamOptimizer.applyGradients`, so the weights after any number of steps
 * are those of tfjs's Adam to the bit (the tests compare them). Float32 sums, products, quotients
 * and square roots of float32 numbers computed in float64 and then rounded equal the float32
 * operations', as float64 has more than twice float32's precision.
 *
 * @example
 * const adam = new ScheduledAdam(0.03);
 * adam.minimize(() => loss(), false, vars);
 * adam.setLearningRate(0.01); // the next steps'
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  private readonly moments = new Map<string, Moments>();
  /** β₁ᵗ and β₂ᵗ, as tfjs keeps them: float32, multiplied by β once per step. */
  private beta1Power = Math.fround(BETA1);
  private beta2Power = Math.fround(BETA2);

  constructor(learningRate: number) {
    super(learningRate, BETA1, BETA2);
  }

  /** Sets the rate the next steps use. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  /** One Adam step on the variables named by the gradients (see the class comment). */
  override applyGradients(gradients: Gradients): void {
    const named = Array.isArray(gradients)
      ? gradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(gradients as tf.NamedTensorMap);
    tf.tidy(() => {
      for (const [name, gradient] of named) {
        if (gradient == null) continue;
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`ScheduledAdam: no variable named ${name}`);
        this.update(variable, gradient.dataSync() as Float32Array);
      }
    });
    this.endStep();
  }

  /**
   * One Adam step on every variable of `vars`, whose gradients `flat` holds one after the other in
   * that order: {@link applyGradients} on gradients that never became tensors, to the bit.
   *
   * @example
   * adam.applyFlat([w, b], Float32Array.of(0.1, -0.2, 0.05)); // w of 2 numbers, b of 1
   */
  applyFlat(vars: tf.Variable[], flat: Float32Array): void {
    const total = vars.reduce((n, v) => n + v.size, 0);
    if (flat.length !== total)
      throw new Error(`ScheduledAdam: ${flat.length} gradients for ${total} weights`);
    let at = 0;
    tf.tidy(() => {
      for (const variable of vars) {
        this.update(variable, flat.subarray(at, at + variable.size));
        at += variable.size;
      }
    });
    this.endStep();
  }

  /** Adam's update of one variable given its gradient `g`, inside the step's tidy. */
  private update(variable: tf.Variable, g: Float32Array): void {
    const f = Math.fround;
    const beta1 = f(this.beta1);
    const beta2 = f(this.beta2);
    const keep1 = f(1 - this.beta1);
    const keep2 = f(1 - this.beta2);
    const correction1 = f(1 - this.beta1Power);
    const correction2 = f(1 - this.beta2Power);
    const epsilon = f(this.epsilon);
    const rate = f(-this.learningRate);
    const w = variable.dataSync() as Float32Array;
    let moments = this.moments.get(variable.name);
    if (!moments)
      this.moments.set(
        variable.name,
        (moments = { m: new Float32Array(w.length), v: new Float32Array(w.length) }),
      );
    const { m, v } = moments;
    const next = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const mi = f(f(m[i] * beta1) + f(gi * keep1));
      const vi = f(f(v[i] * beta2) + f(f(gi * gi) * keep2));
      m[i] = mi;
      v[i] = vi;
      const mHat = f(mi / correction1);
      const vHat = f(vi / correction2);
      next[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * rate) + w[i]);
    }
    variable.assign(tf.tensor(next, variable.shape, "float32"));
  }

  /** After every variable's update: β₁ᵗ and β₂ᵗ move on, and so does the step count. */
  private endStep(): void {
    const f = Math.fround;
    this.beta1Power = f(this.beta1Power * f(this.beta1));
    this.beta2Power = f(this.beta2Power * f(this.beta2));
    this.incrementIterations();
  }
}
