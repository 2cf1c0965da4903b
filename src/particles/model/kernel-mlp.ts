import { tanhSource } from "../../math/fast-tanh";
import { compiledFunction } from "../../runtime/compiled-function";
import type { ParamSpec } from "./interaction-kernel";

/** A compiled pass of the MLP over one item (the weight gradients: over a block of items). */
type ForwardPass = (params: Float64Array[], act: Float64Array, at: number) => void;
type BackwardPass = (params: Float64Array[], act: Float64Array, at: number, item: number) => void;
type AccumulatePass = (grads: Float64Array[], act: Float64Array, A: number, G: number) => void;

/**
 * Items whose weight-gradient terms one compiled call adds (see KernelMlp.accumulate): a divisor
 * of the 12 pairs and the 24 triples of an evaluation.
 */
const ACCUMULATE_BLOCK = 4;

/**
 * A small MLP inside the particle kernel, run on `count` items (the pairs or the triples of one
 * evaluation): tanh hidden layers, a linear output layer, weights `w0, b0, w1, b1, …` (w as
 * (in, out) row by row) from `params[first]` on. An item's activations live in a record of `width`
 * numbers, every layer's, inputs first; the records of one evaluation's items follow each other.
 *
 * Its passes are written out for its sizes when it is made, as JavaScript source compiled with
 * `new Function` (see compiledFunction, and {@link source}): every index is a constant, every
 * activation and adjoint a local variable, and no loop runs over a layer's few inputs or outputs,
 * which loops over arrays of a handful of numbers spend more time steering than computing; tanh is
 * written in place (tanhSource), as V8 does not inline every call to it. Each sum adds its terms
 * in the order of the plain loops (`z = b; z += x[i] · W[i][o]` for i in order), so the results
 * equal theirs to the last bit; the tests check them against plain loops. The pair and three-body
 * terms write the forward and backward passes into their own compiled passes, as blocks
 * ({@link forwardBlock}, {@link backwardBlock}), rather than call them. For the sizes [2, 2, 1]
 * the forward pass reads:
 *
 * ```js
 * const W0 = params[0], B0 = params[1], W1 = params[2], B1 = params[3];
 * const a0 = act[at + 0], a1 = act[at + 1];
 * let a2 = B0[0] + a0 * W0[0] + a1 * W0[2];
 * { const tc = a2 > 7.905… ? … ; a2 = (tc * tp) / tq; } // tanh, see tanhSource
 * act[at + 2] = a2;
 * let a3 = B0[1] + a0 * W0[1] + a1 * W0[3];
 * { … } // tanh
 * act[at + 3] = a3;
 * const a4 = B1[0] + a2 * W1[0] + a3 * W1[1];
 * act[at + 4] = a4;
 * ```
 *
 * @example
 * const mlp = new KernelMlp([3, 6, 1], 0, 12); // 12 pairs, weights from params[0] on
 * mlp.forward(params, record, 0); // the first item's inputs are at record[0…3)
 */
export class KernelMlp {
  /** Where each layer's activations start in a record. */
  readonly offsets: number[];
  /** Numbers per record. */
  readonly width: number;
  /** Scratch for the backward pass: every layer's adjoints, one record per item. */
  readonly g: Float64Array;
  /**
   * The source of the compiled passes, to read: `accumulate` adds a block's terms of the weight
   * gradients, `accumulateRest` those of the items left after the last whole block ("" when none
   * are).
   */
  readonly source: {
    forward: string;
    backward: string;
    accumulate: string;
    accumulateRest: string;
  };
  /** {@link forward}, once compiled. */
  private compiledForward: ForwardPass | null = null;
  /** {@link backward}, once compiled. */
  private compiledBackward: BackwardPass | null = null;
  /**
   * Adds a block's terms of the weight gradients: the items' activations from `act[A…]`, adjoints
   * from `g[G…]`; and the same for the items after the last whole block.
   */
  private readonly accumulateBlock: AccumulatePass;
  private readonly accumulateRest: AccumulatePass | null;
  /** Items per call of the compiled part of {@link accumulate}: ACCUMULATE_BLOCK, or `count` when fewer. */
  private readonly block: number;
  /** The items after the last whole block. */
  private readonly rest: number;

  constructor(
    readonly sizes: number[],
    readonly first: number,
    readonly count: number,
  ) {
    // The source is written from these numbers: they must be numbers, whatever a file said.
    const whole = (n: unknown, least: number) => Number.isSafeInteger(n) && (n as number) >= least;
    if (
      sizes.length < 2 ||
      !sizes.every((n) => whole(n, 1)) ||
      !whole(first, 0) ||
      !whole(count, 1)
    )
      throw new Error(
        `an MLP needs two sizes or more, each a whole number ≥ 1, a whole first ≥ 0 and count ≥ 1; have ${JSON.stringify({ sizes, first, count })}`,
      );
    this.offsets = sizes.map((_, l) => sizes.slice(0, l).reduce((a, b) => a + b, 0));
    this.width = sizes.reduce((a, b) => a + b, 0);
    this.g = new Float64Array(this.width * count);
    this.block = Math.min(ACCUMULATE_BLOCK, count);
    this.rest = count % this.block;
    this.source = {
      forward: forwardSource(sizes, this.offsets, first),
      backward: backwardSource(sizes, this.offsets, first, this.width),
      accumulate: accumulateSource(sizes, this.offsets, first, this.width, this.block),
      accumulateRest: this.rest
        ? accumulateSource(sizes, this.offsets, first, this.width, this.rest)
        : "",
    };
    const g = { g: this.g };
    const accumulate = (body: string) =>
      compiledFunction<AccumulatePass>("mlpAccumulate", g, ["grads", "act", "A", "G"], body);
    this.accumulateBlock = accumulate(this.source.accumulate);
    this.accumulateRest = this.rest ? accumulate(this.source.accumulateRest) : null;
  }

  /**
   * Adds to `grads` the weight gradients of the `count` items, once {@link backward} has run for
   * each: their records of activations from `act[at…]` and their adjoints in `g`. Per weight, the
   * items' terms in item order, a block of items per call. (The loop is here rather than in the
   * compiled source: V8 enters a compiled loop through on-stack replacement at every call, and it
   * cost more than the loop.)
   */
  accumulate(grads: Float64Array[], act: Float64Array, at: number): void {
    const whole = this.count - this.rest;
    for (let k = 0; k < whole; k += this.block)
      this.accumulateBlock(grads, act, at + k * this.width, k * this.width);
    if (this.accumulateRest)
      this.accumulateRest(grads, act, at + whole * this.width, whole * this.width);
  }

  /**
   * The MLP on the inputs at `act[at…]`, writing every layer's activations after them. Compiled
   * when first asked for: the kernel's terms write the MLP into their own passes instead
   * ({@link forwardBlock}).
   */
  get forward(): ForwardPass {
    return (this.compiledForward ??= compiledFunction<ForwardPass>(
      "mlpForward",
      { g: this.g },
      ["params", "act", "at"],
      this.source.forward,
    ));
  }

  /**
   * Back through {@link forward} for item `item`, whose activations are at `act[at…]`, from the
   * output adjoints in the last layer's place of its record of `g` (at `item · width`): leaves
   * every layer's adjoints there, the inputs' at the record's start. The weight gradients wait for
   * {@link accumulate}. Compiled when first asked for, like {@link forward}.
   */
  get backward(): BackwardPass {
    return (this.compiledBackward ??= compiledFunction<BackwardPass>(
      "mlpBackward",
      { g: this.g },
      ["params", "act", "at", "item"],
      this.source.backward,
    ));
  }

  /**
   * {@link forward}'s source for a record at `array[offset…]`, as a block to write into the
   * compiled pass of one item (see PairTerm): a call costs more than the MLP of a small network,
   * and V8 does not inline a large one. `inputs`: the local variables that hold the inputs the
   * record holds, read from the record when not given.
   */
  forwardBlock(array: string, offset: string, inputs: readonly string[] = []): string {
    const source = forwardSource(this.sizes, this.offsets, this.first, array, offset, inputs);
    return `{\n${source}\n}`;
  }

  /** {@link backward}'s source as a block, for a record at `array[offset…]` and item `item`. */
  backwardBlock(array: string, offset: string, item: string): string {
    const record = `${item} * ${this.width}`;
    return `{\n${backwardSource(this.sizes, this.offsets, this.first, this.width, array, offset, record)}\n}`;
  }

  /** Where the outputs start in a record. */
  get outAt(): number {
    return this.offsets[this.sizes.length - 1];
  }

  /** The parameter arrays' specs, named `${prefix}w0, ${prefix}b0, …`. */
  specs(prefix: string): ParamSpec[] {
    return this.sizes.slice(1).flatMap((out, l) => [
      { name: `${prefix}w${l}`, shape: [this.sizes[l], out] },
      { name: `${prefix}b${l}`, shape: [out] },
    ]);
  }
}

/** `const W0 = params[first], B0 = params[first + 1], …` for every layer. */
function weightArrays(sizes: number[], first: number, from: string, prefix = ""): string {
  const names = sizes
    .slice(1)
    .flatMap((_, l) => [
      `${prefix}W${l} = ${from}[${first + 2 * l}]`,
      `${prefix}B${l} = ${from}[${first + 2 * l + 1}]`,
    ]);
  return `const ${names.join(", ")};`;
}

function forwardSource(
  sizes: number[],
  offsets: number[],
  first: number,
  act = "act",
  at = "at",
  values: readonly string[] = [],
): string {
  const L = sizes.length - 1;
  const lines = [weightArrays(sizes, first, "params")];
  const inputs = Array.from(
    { length: sizes[0] },
    (_, i) => `a${i} = ${values[i] ?? `${act}[${at} + ${i}]`}`,
  );
  lines.push(`const ${inputs.join(", ")};`);
  for (let l = 0; l < L; l++) {
    const nOut = sizes[l + 1];
    for (let o = 0; o < nOut; o++) {
      const terms = Array.from(
        { length: sizes[l] },
        (_, i) => ` + a${offsets[l] + i} * W${l}[${i * nOut + o}]`,
      );
      const z = `B${l}[${o}]${terms.join("")}`;
      const a = offsets[l + 1] + o;
      if (l + 1 < L) lines.push(`let a${a} = ${z};`, tanhSource(`a${a}`, `a${a}`));
      else lines.push(`const a${a} = ${z};`);
      lines.push(`${act}[${at} + ${a}] = a${a};`);
    }
  }
  return lines.join("\n");
}

function backwardSource(
  sizes: number[],
  offsets: number[],
  first: number,
  width: number,
  act = "act",
  at = "at",
  record = `item * ${width}`,
): string {
  const L = sizes.length - 1;
  const lines = [weightArrays(sizes, first, "params"), `const G = ${record};`];
  const last = offsets[L];
  for (let o = 0; o < sizes[L]; o++) lines.push(`let d${last + o} = g[G + ${last + o}];`);
  for (let l = L - 1; l >= 0; l--) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const outAt = offsets[l + 1];
    if (l + 1 < L)
      for (let o = 0; o < nOut; o++) {
        const k = outAt + o;
        lines.push(
          `{ const h = ${act}[${at} + ${k}]; d${k} = d${k} * (1 - h * h); g[G + ${k}] = d${k}; }`,
        );
      }
    for (let i = 0; i < nIn; i++) {
      const terms = Array.from(
        { length: nOut },
        (_, o) => ` + W${l}[${i * nOut + o}] * d${outAt + o}`,
      );
      const k = offsets[l] + i;
      // A hidden unit's adjoint is stored once tanh's derivative has scaled it (above, one layer
      // down); an input's as it is.
      lines.push(`let d${k} = 0${terms.join("")};${l === 0 ? ` g[G + ${k}] = d${k};` : ""}`);
    }
  }
  return lines.join("\n");
}

/**
 * The weight gradients' terms of `items` consecutive items, the first's activations at `act[A…]`
 * and adjoints at `g[G…]`, the next `width` further on: each weight's terms are added in item
 * order to what it holds, `gW = gW + t₀ + t₁ + …` (JavaScript adds left to right), which is the
 * items' `+=` one after the other, to the bit, with one read and one write of the weight's
 * gradient instead of one per item.
 */
function accumulateSource(
  sizes: number[],
  offsets: number[],
  first: number,
  width: number,
  items: number,
): string {
  const L = sizes.length - 1;
  const lines = [weightArrays(sizes, first, "grads", "g")];
  const ks = Array.from({ length: items }, (_, k) => k);
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const reads: string[] = [];
    for (const k of ks) {
      for (let i = 0; i < nIn; i++)
        reads.push(`x${offsets[l] + i}_${k} = act[A + ${k * width + offsets[l] + i}]`);
      for (let o = 0; o < nOut; o++)
        reads.push(`e${offsets[l + 1] + o}_${k} = g[G + ${k * width + offsets[l + 1] + o}]`);
    }
    const body: string[] = [];
    for (let o = 0; o < nOut; o++) {
      const e = offsets[l + 1] + o;
      body.push(`gB${l}[${o}] = gB${l}[${o}]${ks.map((k) => ` + e${e}_${k}`).join("")};`);
    }
    for (let i = 0; i < nIn; i++)
      for (let o = 0; o < nOut; o++) {
        const [x, e, w] = [offsets[l] + i, offsets[l + 1] + o, `gW${l}[${i * nOut + o}]`];
        body.push(`${w} = ${w}${ks.map((k) => ` + x${x}_${k} * e${e}_${k}`).join("")};`);
      }
    lines.push(`{ const ${reads.join(", ")};`, ...body, "}");
  }
  return lines.join("\n");
}
