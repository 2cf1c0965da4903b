import { join } from "node:path";

import { writeFileAtomic } from "../../io/atomic-write";
import { SeededRandom } from "../../random/seeded";
import { BERT_MAX_LENGTH, writeBertTokenizerFiles } from "../bert-tokenizer-files";
import { DataType, encodeModel, type OnnxAttr, type OnnxNode, type OnnxTensor } from "./onnx-proto";

/** Sizes of a DistilBERT encoder (names as in its `config.json`). */
export interface DistilBertSize {
  dim: number;
  n_layers: number;
  n_heads: number;
  hidden_dim: number;
  vocab_size: number;
  max_position_embeddings: number;
}

/** distilbert-base-uncased's sizes: 6 layers, hidden 768, 12 heads, 66M parameters. */
export const FULL_DISTILBERT: DistilBertSize = {
  dim: 768,
  n_layers: 6,
  n_heads: 12,
  hidden_dim: 3072,
  vocab_size: 30522,
  max_position_embeddings: BERT_MAX_LENGTH,
};

/** A tiny DistilBERT for tests (about 1M parameters, mostly the 30,522-token embedding table). */
export const TINY_DISTILBERT: DistilBertSize = {
  ...FULL_DISTILBERT,
  dim: 32,
  n_layers: 2,
  n_heads: 2,
  hidden_dim: 64,
};

/** Builds the ONNX graph of a DistilBERT encoder with the hub export's interface. */
class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];
  private count = 0;
  constructor(
    private readonly rng: SeededRandom,
    private readonly quantized: boolean,
  ) {}

  op(opType: string, inputs: string[], attrs?: Record<string, OnnxAttr>, nOut = 1): string[] {
    const outputs = Array.from({ length: nOut }, () => `t${this.count++}`);
    this.nodes.push({ opType, inputs, outputs, attrs });
    return outputs;
  }
  one(opType: string, inputs: string[], attrs?: Record<string, OnnxAttr>): string {
    return this.op(opType, inputs, attrs)[0];
  }
  const(name: string, dims: number[], data: OnnxTensor["data"], dataType: number): string {
    this.initializers.push({ name, dims, dataType, data });
    return name;
  }
  floats(name: string, dims: number[], fill?: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = fill ?? this.rng.normal() * 0.02;
    return this.const(name, dims, data, DataType.FLOAT);
  }
  ints(name: string, values: number[], dims = [values.length]): string {
    return this.const(name, dims, BigInt64Array.from(values.map(BigInt)), DataType.INT64);
  }
  /** x (…, din) @ W (din, dout) + b; dynamically quantized to int8 weights when `quantized`. */
  linear(x: string, name: string, din: number, dout: number): string {
    const bias = this.floats(`${name}.bias`, [dout], 0);
    if (!this.quantized)
      return this.one("Add", [
        this.one("MatMul", [x, this.floats(`${name}.weight`, [din, dout])]),
        bias,
      ]);
    const w = new Float32Array(din * dout).map(() => this.rng.normal() * 0.02);
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127;
    const wq = this.const(
      `${name}.weight_quantized`,
      [din, dout],
      Int8Array.from(w, (v) => Math.round(v / scale)),
      DataType.INT8,
    );
    const wScale = this.const(`${name}.weight_scale`, [], Float32Array.of(scale), DataType.FLOAT);
    const wZero = this.const(`${name}.weight_zero_point`, [], Int8Array.of(0), DataType.INT8);
    const [xq, xScale, xZero] = this.op("DynamicQuantizeLinear", [x], undefined, 3);
    const acc = this.one("MatMulInteger", [xq, wq, xZero, wZero]);
    const scaled = this.one("Mul", [
      this.one("Cast", [acc], { to: { i: DataType.FLOAT } }),
      this.one("Mul", [xScale, wScale]),
    ]);
    return this.one("Add", [scaled, bias]);
  }
  layerNorm(x: string, name: string, dim: number): string {
    const gamma = this.floats(`${name}.weight`, [dim], 1);
    const beta = this.floats(`${name}.bias`, [dim], 0);
    return this.one("LayerNormalization", [x, gamma, beta], {
      axis: { i: -1 },
      epsilon: { f: 1e-12 },
    });
  }
}

/**
 * Encodes a DistilBERT encoder with seeded random weights as ONNX: inputs `input_ids` and
 * `attention_mask` (int64, batch × sequence), output `last_hidden_state` (batch × sequence × dim),
 * as in the hub's ONNX export. `quantized` gives int8 weights with dynamic activation quantization.
 */
export function buildDistilBertOnnx(
  size: DistilBertSize,
  options: { seed: number; quantized?: boolean },
): Uint8Array {
  const g = new GraphBuilder(new SeededRandom(options.seed), options.quantized ?? false);
  const { dim, n_heads: heads } = size;
  const headDim = dim / heads;
  const words = g.one("Gather", [
    g.floats("embeddings.word_embeddings.weight", [size.vocab_size, dim]),
    "input_ids",
  ]);
  const seqLen = g.one("Gather", [g.one("Shape", ["input_ids"]), g.ints("one_scalar", [1], [])], {
    axis: { i: 0 },
  });
  const positions = g.one("Range", [g.ints("zero_scalar", [0], []), seqLen, "one_scalar"]);
  const posEmb = g.one("Gather", [
    g.floats("embeddings.position_embeddings.weight", [size.max_position_embeddings, dim]),
    positions,
  ]);
  let x = g.layerNorm(g.one("Add", [words, posEmb]), "embeddings.LayerNorm", dim);
  // Additive mask: 0 where attention_mask is 1, -1e9 where it is 0; shape (batch, 1, 1, seq).
  const maskF = g.one("Cast", ["attention_mask"], { to: { i: DataType.FLOAT } });
  const notMask = g.one("Sub", [g.floats("one_f", [], 1), maskF]);
  const additive = g.one("Mul", [notMask, g.floats("neg_big", [], -1e9)]);
  const mask4 = g.one("Unsqueeze", [additive, g.ints("axes_1_2", [1, 2])]);
  const headShape = g.ints("head_shape", [0, 0, heads, headDim]);
  const mergeShape = g.ints("merge_shape", [0, 0, dim]);
  const invSqrt = g.floats("inv_sqrt_head_dim", [], 1 / Math.sqrt(headDim));
  for (let l = 0; l < size.n_layers; l++) {
    const p = `transformer.layer.${l}`;
    const heads3 = (name: string, perm: number[]) =>
      g.one(
        "Transpose",
        [g.one("Reshape", [g.linear(x, `${p}.attention.${name}`, dim, dim), headShape])],
        { perm: { ints: perm } },
      );
    const q = g.one("Mul", [heads3("q_lin", [0, 2, 1, 3]), invSqrt]);
    const kT = heads3("k_lin", [0, 2, 3, 1]);
    const v = heads3("v_lin", [0, 2, 1, 3]);
    const probs = g.one("Softmax", [g.one("Add", [g.one("MatMul", [q, kT]), mask4])], {
      axis: { i: -1 },
    });
    const ctx = g.one("Reshape", [
      g.one("Transpose", [g.one("MatMul", [probs, v])], { perm: { ints: [0, 2, 1, 3] } }),
      mergeShape,
    ]);
    x = g.layerNorm(
      g.one("Add", [g.linear(ctx, `${p}.attention.out_lin`, dim, dim), x]),
      `${p}.sa_layer_norm`,
      dim,
    );
    const h = g.linear(x, `${p}.ffn.lin1`, dim, size.hidden_dim);
    const erf = g.one("Erf", [g.one("Div", [h, g.floats(`${p}.sqrt2`, [], Math.SQRT2)])]);
    const gelu = g.one("Mul", [
      g.one("Mul", [h, g.one("Add", [erf, g.floats(`${p}.one`, [], 1)])]),
      g.floats(`${p}.half`, [], 0.5),
    ]);
    x = g.layerNorm(
      g.one("Add", [g.linear(gelu, `${p}.ffn.lin2`, size.hidden_dim, dim), x]),
      `${p}.output_layer_norm`,
      dim,
    );
  }
  g.nodes.push({ opType: "Identity", inputs: [x], outputs: ["last_hidden_state"] });
  return encodeModel({
    name: "distilbert",
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [
      { name: "input_ids", elemType: DataType.INT64, dims: ["batch_size", "sequence_length"] },
      { name: "attention_mask", elemType: DataType.INT64, dims: ["batch_size", "sequence_length"] },
    ],
    outputs: [
      {
        name: "last_hidden_state",
        elemType: DataType.FLOAT,
        dims: ["batch_size", "sequence_length", dim],
      },
    ],
    opset: 17,
  });
}

/**
 * Writes a transformers.js model folder for a random-weight DistilBERT: `config.json`, the uncased
 * BERT tokenizer files, `onnx/model.onnx` and, with `quantized`, `onnx/model_quantized.onnx`.
 *
 * @example
 * writeRandomDistilBert(".cache/models/distilbert-tiny-random", TINY_DISTILBERT, { seed: 1 });
 */
export function writeRandomDistilBert(
  dir: string,
  size: DistilBertSize,
  options: { seed: number; quantized?: boolean },
): void {
  writeBertTokenizerFiles(dir);
  const config = {
    model_type: "distilbert",
    architectures: ["DistilBertModel"],
    ...size,
    activation: "gelu",
    pad_token_id: 0,
    sinusoidal_pos_embds: false,
    initializer_range: 0.02,
    _note: `random weights (seed ${options.seed}) generated by literate-ml-ts; for tests and timing only`,
  };
  writeFileAtomic(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
  writeFileAtomic(
    join(dir, "onnx", "model.onnx"),
    buildDistilBertOnnx(size, { seed: options.seed }),
  );
  if (options.quantized) {
    writeFileAtomic(
      join(dir, "onnx", "model_quantized.onnx"),
      buildDistilBertOnnx(size, { seed: options.seed, quantized: true }),
    );
  }
}
