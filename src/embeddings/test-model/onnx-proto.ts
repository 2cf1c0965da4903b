import protobuf from "protobufjs";

/**
 * The subset of onnx.proto (field numbers as in ONNX's onnx.proto) needed to write inference models:
 * model, graph, node, attribute, tensor, value info and type.
 */
const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            t: { type: "TensorProto", id: 5 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            type: { type: "int32", id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } },
        },
        TypeProto: { fields: { tensorType: { type: "TypeProtoTensor", id: 1 } } },
        TypeProtoTensor: {
          fields: {
            elemType: { type: "int32", id: 1 },
            shape: { type: "TensorShapeProto", id: 2 },
          },
        },
        TensorShapeProto: { fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } } },
        Dimension: {
          fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
        },
      },
    },
  },
};

/** ONNX tensor element types used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
/** ONNX attribute kinds used here. */
const AttrType = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;

/** A graph node: operator, inputs, outputs and attributes (numbers, number lists, tensors). */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, OnnxAttr>;
  domain?: string;
}

/** An attribute value, tagged with its ONNX kind: integer, float, integer list or tensor. */
export type OnnxAttr = { i: number } | { f: number } | { ints: number[] } | { t: OnnxTensor };

/** A constant tensor (weights or a constant input). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  data: Float32Array | Int8Array | Uint8Array | BigInt64Array | Int32Array;
}

/** A graph input or output: name, element type and dims (a string names a dynamic axis). */
export interface OnnxValue {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

/** Encodes an inference graph as ONNX model bytes (IR version 8, default opset `opset`). */
export function encodeModel(graph: {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  opset: number;
  extraOpsets?: { domain: string; version: number }[];
}): Uint8Array {
  const root = protobuf.Root.fromJSON(SCHEMA);
  const Model = root.lookupType("onnx.ModelProto");
  const tensor = (t: OnnxTensor) => ({
    name: t.name,
    dims: t.dims,
    dataType: t.dataType,
    rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  });
  const value = (v: OnnxValue) => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: {
          dim: v.dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  });
  const attribute = (name: string, v: OnnxAttr) => {
    if ("i" in v) return { name, type: AttrType.INT, i: v.i };
    if ("f" in v) return { name, type: AttrType.FLOAT, f: v.f };
    if ("ints" in v) return { name, type: AttrType.INTS, ints: v.ints };
    return { name, type: AttrType.TENSOR, t: tensor(v.t) };
  };
  const message = Model.fromObject({
    irVersion: 8,
    producerName: "literate-ml-ts",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: graph.opset }, ...(graph.extraOpsets ?? [])],
    graph: {
      name: graph.name,
      node: graph.nodes.map((n, k) => ({
        name: `${n.opType}_${k}`,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? "",
        attribute: Object.entries(n.attrs ?? {}).map(([name, v]) => attribute(name, v)),
      })),
      initializer: graph.initializers.map(tensor),
      input: graph.inputs.map(value),
      output: graph.outputs.map(value),
    },
  });
  return Model.encode(message).finish();
}
