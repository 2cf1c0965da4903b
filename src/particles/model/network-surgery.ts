/**
 * The particle network's removable parts, and their removal: each part (a pair input, a hidden
 * unit, an output direction, the property factors, a field part, an axis, the three-body function
 * or one of its inputs or units, the inertia) is a set of weights; removing it cuts those weights
 * out of the arrays and the part out of the configuration, so that the smaller network is a
 * network of its own (nothing is masked).
 */
import type { InteractionKernel } from "./interaction-kernel";
import type { InteractionConfig } from "./interaction-layer";
import {
  axisIndex,
  fieldGates,
  type FieldPart,
  type NetworkParts,
  PAIR_ALONG_R_AND_U,
} from "./network-parts";

/** A network's weights by name (the kernel's parameter names), each with its shape. */
export type NamedWeights = Map<string, { shape: number[]; data: Float64Array }>;

/** A network: its configuration and its weights. */
export interface SizedNetwork {
  config: InteractionConfig;
  weights: NamedWeights;
}

/** A removable part: its name, and the weights it holds as (array name, flat index) pairs. */
export interface NetworkPart {
  /** e.g. `input d`, `hidden 3`, `output vi`, `field drag`, `axis 0`, `three-body`. */
  name: string;
  /** The weights the part holds alone; the pressure in training pulls them towards 0. */
  weights: { array: string; index: number }[];
}

/** The parts of the network that pruning may remove, each with the weights it holds. */
export function removableParts(config: InteractionConfig): NetworkPart[] {
  const parts = partsOf(config);
  const hidden = config.hidden;
  const out: NetworkPart[] = [];
  const range = (n: number, f: (k: number) => { array: string; index: number }) =>
    Array.from({ length: n }, (_, k) => f(k));
  const nIn = parts.inputs.length;
  const nOut = parts.outputs.length;
  const L = hidden.length;
  if (nOut > 0) {
    // A pair function keeps one input and one hidden unit at least (then it goes as a whole).
    if (nIn > 1)
      parts.inputs.forEach((name, m) =>
        out.push({
          name: `input ${name}`,
          weights: range(hidden[0], (h) => at("w0", m * hidden[0] + h)),
        }),
      );
    if (L === 1 && hidden[0] > 1)
      for (let h = 0; h < hidden[0]; h++)
        out.push({
          name: `hidden ${h}`,
          weights: [
            ...range(nIn, (m) => at("w0", m * hidden[0] + h)),
            at("b0", h),
            ...range(nOut, (o) => at("w1", h * nOut + o)),
          ],
        });
    parts.outputs.forEach((name, o) =>
      out.push({
        name: `output ${name}`,
        weights: [...range(hidden[L - 1], (h) => at(`w${L}`, h * nOut + o)), at(`b${L}`, o)],
      }),
    );
    if (config.factors)
      out.push({ name: "factors", weights: range(4 * nOut, (k) => at("pair_factor", k)) });
  }
  for (let k = 0; k < parts.axes; k++)
    out.push({ name: `axis ${k}`, weights: range(3, (c) => at("axes", 3 * k + c)) });
  const fieldArrays: Record<FieldPart, [string, number][]> = {
    trap: [["field_p", 6]],
    radial: [
      ["central_w0", 3],
      ["central_b0", 3],
      ["central_w1", 3],
      ["central_b1", 1],
    ],
    drag: [["field_v", 9]],
    uniform: [["field_c", 3]],
  };
  for (const f of parts.field)
    out.push({
      name: `field ${f}`,
      weights: fieldArrays[f].flatMap(([array, n]) => range(n, (k) => at(array, k))),
    });
  const t = parts.triplet;
  if (t) {
    const nt = t.inputs.length;
    out.push({
      name: "three-body",
      weights: [
        ...range(nt * t.hidden, (k) => at("triplet_w0", k)),
        ...range(t.hidden, (k) => at("triplet_b0", k)),
        ...range(t.hidden, (k) => at("triplet_w1", k)),
        at("triplet_b1", 0),
      ],
    });
    if (nt > 1)
      t.inputs.forEach((name, m) =>
        out.push({
          name: `three-body input ${name}`,
          weights: range(t.hidden, (h) => at("triplet_w0", m * t.hidden + h)),
        }),
      );
    for (let h = 0; t.hidden > 1 && h < t.hidden; h++)
      out.push({
        name: `three-body hidden ${h}`,
        weights: [
          ...range(nt, (m) => at("triplet_w0", m * t.hidden + h)),
          at("triplet_b0", h),
          at("triplet_w1", h),
        ],
      });
  }
  if (parts.inertia) out.push({ name: "inertia", weights: [at("inertia", 0), at("inertia", 1)] });
  return out;
}

const at = (array: string, index: number) => ({ array, index });

/** The configuration's parts, PAIR_ALONG_R_AND_U when it names none. */
export function partsOf(config: InteractionConfig): NetworkParts {
  return config.parts ?? PAIR_ALONG_R_AND_U;
}

/**
 * The network with the part's own weights at 0 (see {@link removableParts}): the same shape as
 * `net`, and the same function as `removePart(net, part)` to the last bit. A weight at 0 adds an
 * exact 0 to each sum it is in, a hidden unit at 0 passes tanh(0) = 0 onwards, an output or a field
 * at 0 scales what it multiplies to 0, and adding 0 leaves a sum as it was. Pruning judges its
 * candidates this way: they share the kernel of the network they come from, already compiled,
 * instead of each compiling its own. The tests check the equality for every part.
 *
 * @example
 * const judged = zeroPart(net, "hidden 3"); // predicts as removePart(net, "hidden 3")
 */
export function zeroPart(net: SizedNetwork, part: string): SizedNetwork {
  const found = removableParts(net.config).find((p) => p.name === part);
  if (!found) throw new Error(`unknown network part "${part}"`);
  const weights = copyWeights(net.weights);
  for (const { array, index } of found.weights) weights.get(array)!.data[index] = 0;
  return { config: net.config, weights };
}

/**
 * The network without the named part (see {@link removableParts}): a new configuration and the
 * weights cut to it. A removed input or unit takes its rows and columns with it; a removed output
 * its column and factors; an axis its input and output; the last output the whole pair function.
 */
export function removePart(net: SizedNetwork, part: string): SizedNetwork {
  const config = structuredClone(net.config);
  const parts = structuredClone(partsOf(config));
  const w = copyWeights(net.weights);
  const hidden = [...config.hidden];
  const L = hidden.length;
  const [kind, arg] = splitPart(part);
  if (kind === "input") {
    const m = parts.inputs.indexOf(arg as never);
    dropRows(w, "w0", [m]);
    parts.inputs.splice(m, 1);
  } else if (kind === "hidden") {
    const h = Number(arg);
    dropColumns(w, "w0", [h]);
    dropRows(w, "b0", [h]);
    dropRows(w, "w1", [h]);
    hidden[0]--;
  } else if (kind === "output") {
    removeOutput(w, parts, parts.outputs.indexOf(arg as never), L, config);
  } else if (kind === "factors") {
    w.delete("pair_factor");
    config.factors = false;
  } else if (kind === "axis") {
    const k = Number(arg);
    const m = parts.inputs.indexOf(`axis${k}`);
    if (m >= 0) {
      dropRows(w, "w0", [m]);
      parts.inputs.splice(m, 1);
    }
    const o = parts.outputs.indexOf(`axis${k}`);
    if (o >= 0) removeOutput(w, parts, o, L, config);
  } else if (kind === "field") {
    const before = fieldGates(parts.field);
    parts.field = parts.field.filter((f) => f !== arg);
    const after = fieldGates(parts.field);
    const arrays: Record<string, string[]> = {
      trap: ["field_p"],
      radial: ["central_w0", "central_b0", "central_w1", "central_b1"],
      drag: ["field_v"],
      uniform: ["field_c"],
    };
    for (const a of arrays[arg]) w.delete(a);
    const gone = before.map((g, c) => (after.includes(g) ? -1 : c)).filter((c) => c >= 0);
    if (after.length === 0) w.delete("field_gate");
    else dropColumns(w, "field_gate", gone);
  } else if (kind === "three-body") {
    if (!arg) {
      for (const a of ["triplet_w0", "triplet_b0", "triplet_w1", "triplet_b1"]) w.delete(a);
      parts.triplet = null;
    } else {
      const t = parts.triplet!;
      const [sub, which] = splitPart(arg);
      if (sub === "input") {
        const m = t.inputs.indexOf(which as never);
        dropRows(w, "triplet_w0", [m]);
        t.inputs.splice(m, 1);
      } else {
        const h = Number(which);
        dropColumns(w, "triplet_w0", [h]);
        dropRows(w, "triplet_b0", [h]);
        dropRows(w, "triplet_w1", [h]);
        t.hidden--;
      }
    }
  } else if (kind === "inertia") {
    w.delete("inertia");
    parts.inertia = false;
  } else throw new Error(`unknown network part "${part}"`);
  config.hidden = hidden;
  config.parts = parts;
  if (parts.outputs.length === 0) {
    // No pair function left: its inputs, layers and factors go with it.
    parts.inputs = [];
    for (const k of [...w.keys()]) if (/^[wb]\d+$/.test(k)) w.delete(k);
    w.delete("pair_factor");
    config.factors = false;
  }
  // An axis neither an input nor an output refers to goes, and the later ones move down.
  for (let k = parts.axes - 1; k >= 0; k--) {
    const name = `axis${k}`;
    if (parts.inputs.includes(name as never) || parts.outputs.includes(name as never)) continue;
    dropRows(w, "axes", [k]);
    parts.axes--;
    if (parts.axes === 0) w.delete("axes");
    const rename = (n: string) => (axisIndex(n) > k ? `axis${axisIndex(n) - 1}` : n);
    parts.inputs = parts.inputs.map(rename) as NetworkParts["inputs"];
    parts.outputs = parts.outputs.map(rename) as NetworkParts["outputs"];
  }
  return { config, weights: w };
}

/** Removes pair output o: its column of the last layer, its bias, its factors. */
function removeOutput(
  w: NamedWeights,
  parts: NetworkParts,
  o: number,
  L: number,
  config: InteractionConfig,
): void {
  dropColumns(w, `w${L}`, [o]);
  dropRows(w, `b${L}`, [o]);
  if (config.factors) dropRows(w, "pair_factor", [o]);
  parts.outputs.splice(o, 1);
}

/** `"three-body input dij"` → `["three-body", "input dij"]`; `"hidden 3"` → `["hidden", "3"]`. */
function splitPart(part: string): [string, string] {
  const space = part.startsWith("three-body") ? 10 : part.indexOf(" ");
  if (space < 0 || space >= part.length) return [part, ""];
  return [part.slice(0, space), part.slice(space + 1)];
}

/** Drops rows (the first axis) of a 1- or 2-dimensional array. */
function dropRows(w: NamedWeights, name: string, rows: number[]): void {
  const a = w.get(name)!;
  const width = a.shape.length > 1 ? a.shape[1] : 1;
  const keep = [...Array(a.shape[0]).keys()].filter((r) => !rows.includes(r));
  const data = new Float64Array(keep.length * width);
  keep.forEach((r, k) => data.set(a.data.subarray(r * width, (r + 1) * width), k * width));
  w.set(name, { shape: [keep.length, ...a.shape.slice(1)], data });
}

/** Drops columns (the second axis) of a 2-dimensional array. */
function dropColumns(w: NamedWeights, name: string, cols: number[]): void {
  const a = w.get(name)!;
  const [rows, width] = a.shape;
  const keep = [...Array(width).keys()].filter((c) => !cols.includes(c));
  const data = new Float64Array(rows * keep.length);
  for (let r = 0; r < rows; r++)
    keep.forEach((c, k) => (data[r * keep.length + k] = a.data[r * width + c]));
  w.set(name, { shape: [rows, keep.length], data });
}

/**
 * The weights in the kernel's parameter order for the network's configuration, checked against
 * the shapes the kernel expects.
 */
export function kernelParams(net: SizedNetwork, kernel: InteractionKernel): Float64Array[] {
  return kernel.paramSpecs().map(({ name, shape }) => {
    const a = net.weights.get(name);
    const size = shape.reduce((x, y) => x * y, 1);
    if (!a || a.data.length !== size)
      throw new Error(
        `weights ${name}: expected ${shape.join(" × ")}, have ${a ? a.shape.join(" × ") : "none"}`,
      );
    return a.data;
  });
}

/** A copy of named weights, sharing no array with them. */
export function copyWeights(weights: NamedWeights): NamedWeights {
  return new Map([...weights].map(([k, v]) => [k, { shape: [...v.shape], data: v.data.slice() }]));
}

/** The number of weights of a network: every scalar of every array. */
export function weightCount(net: SizedNetwork): number {
  let n = 0;
  for (const a of net.weights.values()) n += a.data.length;
  return n;
}
