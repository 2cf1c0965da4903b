/**
 * The interaction network written as plainly as it reads on paper, independent of the kernel: the
 * spec the kernel's forward pass must equal (reference-forward.test.ts). Vectors are arrays of 3,
 * weights come by name, and nothing is cached or fused. Shares only the rational tanh with the
 * kernel, so that the two agree to rounding.
 */
import { tanh } from "../../../src/math/fast-tanh";
import { fieldGates, type NetworkParts } from "../../../src/particles/model/network-parts";

type Vec = [number, number, number];

/** The network's weights by name, in the kernel's parameter order (see InteractionKernel). */
export interface ReferenceWeights {
  /** Per layer of the pair MLP: w (in × out, row by row) and b. */
  layers: { w: ArrayLike<number>; b: ArrayLike<number>; nIn: number; nOut: number }[];
  /** α's factor weights then β's, 4 each, or null without property factors. */
  factors: ArrayLike<number> | null;
  /** A's 6 free entries (row by row of the upper triangle), B (3 × 3, row by row), c. */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  c: ArrayLike<number>;
  /** Gate offsets of the p, v and c parts, then their slopes. */
  gate: ArrayLike<number>;
  /** The radial function f(n) = Σ w1 tanh(w0 n + b0) + b1. */
  w0: ArrayLike<number>;
  b0: ArrayLike<number>;
  w1: ArrayLike<number>;
  b1: number;
}

/** The kernel's flat parameter list as named weights, for a pair MLP of `hidden` widths. */
export function namedWeights(
  params: ArrayLike<number>[],
  hidden: number[],
  factors: boolean,
): ReferenceWeights {
  const sizes = [7, ...hidden, 2];
  const layers = sizes.slice(1).map((nOut, l) => ({
    w: params[2 * l],
    b: params[2 * l + 1],
    nIn: sizes[l],
    nOut,
  }));
  let k = 2 * layers.length;
  const next = (): ArrayLike<number> => params[k++];
  const f = factors ? next() : null;
  const [a, b, c, gate, w0, b0, w1, b1] = Array.from({ length: 8 }, next);
  return { layers, factors: f, a, b, c, gate, w0, b0, w1, b1: b1[0] };
}

const EPS = 1e-6;
const sub = (x: Vec, y: Vec): Vec => [x[0] - y[0], x[1] - y[1], x[2] - y[2]];
const dot = (x: Vec, y: Vec): number => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];

/** The pair MLP: tanh hidden layers, a linear output (α, β). */
function pairMlp(w: ReferenceWeights, inputs: number[]): number[] {
  let h = inputs;
  w.layers.forEach((layer, l) => {
    const z = Array.from({ length: layer.nOut }, (_, o) => {
      let sum = layer.b[o];
      for (let i = 0; i < layer.nIn; i++) sum += h[i] * layer.w[i * layer.nOut + o];
      return sum;
    });
    h = l + 1 < w.layers.length ? z.map(tanh) : z;
  });
  return h;
}

/** `1 + w₀ + w₁ qᵢ + w₂ qⱼ + w₃ qᵢ qⱼ` for the coefficient whose weights start at `from`. */
function factor(w: ReferenceWeights, from: number, qi: number, qj: number): number {
  const f = w.factors;
  return f ? 1 + f[from] + f[from + 1] * qi + f[from + 2] * qj + f[from + 3] * qi * qj : 1;
}

/**
 * Every particle's acceleration: the sum over the other particles j of α (r / d) + β u, with
 * r = pⱼ − pᵢ, u = vⱼ − vᵢ and (α, β) the pair MLP of (d, 1/d, r·u/d, |u|, qᵢ, qⱼ, qᵢqⱼ), plus the
 * field g_p (A p + f(|p|) p/|p|) + g_v B v + g_c c with gates g = 1 + offset + slope · q.
 */
export function referenceAcceleration(w: ReferenceWeights, p: Vec[], v: Vec[], q: number[]): Vec[] {
  return p.map((pi, i) => {
    const acc: Vec = [0, 0, 0];
    p.forEach((pj, j) => {
      if (i === j) return;
      const r = sub(pj, pi);
      const u = sub(v[j], v[i]);
      const d = Math.sqrt(dot(r, r) + EPS);
      const speed = Math.sqrt(dot(u, u) + EPS);
      const [alpha, beta] = pairMlp(w, [d, 1 / d, dot(r, u) / d, speed, q[i], q[j], q[i] * q[j]]);
      const fa = alpha * factor(w, 0, q[i], q[j]);
      const fb = beta * factor(w, 4, q[i], q[j]);
      for (let c = 0; c < 3; c++) acc[c] += (fa * r[c]) / d + fb * u[c];
    });
    const gate = (part: number): number => 1 + w.gate[part] + w.gate[3 + part] * q[i];
    const sym = [0, 1, 2, 1, 3, 4, 2, 4, 5];
    const norm = Math.sqrt(dot(pi, pi) + EPS);
    let radial = w.b1;
    for (let m = 0; m < w.w0.length; m++) radial += w.w1[m] * tanh(w.w0[m] * norm + w.b0[m]);
    for (let c = 0; c < 3; c++) {
      let ap = 0;
      let bv = 0;
      for (let e = 0; e < 3; e++) {
        ap += w.a[sym[c * 3 + e]] * pi[e];
        bv += w.b[c * 3 + e] * v[i][e];
      }
      acc[c] += gate(0) * (ap + (radial / norm) * pi[c]) + gate(1) * bv + gate(2) * w.c[c];
    }
    return acc;
  });
}

/**
 * One sample's positions after substeps of the given lengths: velocity Verlet positions and Heun
 * velocities, the force taken at the new positions with Euler velocities.
 */
export function referenceStep(
  w: ReferenceWeights,
  sample: ArrayLike<number>,
  substeps: number[],
): number[] {
  return integrateSample(sample, substeps, (p, v, q) => referenceAcceleration(w, p, v, q));
}

/** A sample's positions after the substeps, under the acceleration `force` (see referenceStep). */
function integrateSample(
  sample: ArrayLike<number>,
  substeps: number[],
  force: (p: Vec[], v: Vec[], q: number[]) => Vec[],
): number[] {
  const particle = (i: number, at: number): Vec => [
    sample[i * 7 + at],
    sample[i * 7 + at + 1],
    sample[i * 7 + at + 2],
  ];
  let p = [0, 1, 2, 3].map((i) => particle(i, 0));
  let v = [0, 1, 2, 3].map((i) => particle(i, 3));
  const q = [0, 1, 2, 3].map((i) => sample[i * 7 + 6]);
  let a = force(p, v, q);
  substeps.forEach((dt, s) => {
    p = p.map((pi, i) => pi.map((x, c) => x + v[i][c] * dt + a[i][c] * 0.5 * dt * dt) as Vec);
    if (s + 1 === substeps.length) return;
    const euler = v.map((vi, i) => vi.map((x, c) => x + a[i][c] * dt) as Vec);
    const next = force(p, euler, q);
    v = v.map((vi, i) => vi.map((x, c) => x + (a[i][c] + next[i][c]) * 0.5 * dt) as Vec);
    a = next;
  });
  return p.flat();
}

/** A network's weights by name (the kernel's parameter names, see InteractionKernel.paramSpecs). */
export type WeightsByName = Map<string, ArrayLike<number>>;

const cross = (x: Vec, y: Vec): Vec => [
  x[1] * y[2] - x[2] * y[1],
  x[2] * y[0] - x[0] * y[2],
  x[0] * y[1] - x[1] * y[0],
];
const scale = (k: number, x: Vec): Vec => [k * x[0], k * x[1], k * x[2]];

/** An MLP whose layers are the weights `${prefix}w0, ${prefix}b0, …`: tanh hidden layers, linear output. */
function mlpByName(w: WeightsByName, prefix: string, sizes: number[], inputs: number[]): number[] {
  let h = inputs;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const W = w.get(`${prefix}w${l}`)!;
    const b = w.get(`${prefix}b${l}`)!;
    const z = Array.from({ length: sizes[l + 1] }, (_, o) => {
      let sum = b[o];
      for (let i = 0; i < sizes[l]; i++) sum += h[i] * W[i * sizes[l + 1] + o];
      return sum;
    });
    h = l + 2 < sizes.length ? z.map(tanh) : z;
  }
  return h;
}

/**
 * Every particle's acceleration under a network of any parts (see NetworkParts), as the physics
 * reads:
 *
 *     aᵢ = s(qᵢ) ( Σⱼ Σₒ cₒ Dₒ  +  Σⱼ≠ₖ t(dᵢⱼ, dᵢₖ, dⱼₖ, qᵢ, qⱼ, qₖ) r̂ᵢⱼ  +  field(pᵢ, vᵢ, qᵢ) )
 *
 * with the pair MLP's outputs cₒ (each times its property factor) along the directions Dₒ (r̂, u,
 * vᵢ, vⱼ, vᵢ × r̂, u × r̂ or a learned axis n), the three-body MLP t, and s(q) = 1 / (1 + w₀ + w₁ q).
 */
export function referenceAccelerationOf(
  parts: NetworkParts,
  hidden: number[],
  w: WeightsByName,
  p: Vec[],
  v: Vec[],
  q: number[],
): Vec[] {
  const axes: Vec[] = Array.from({ length: parts.axes }, (_, k) => {
    const n = w.get("axes")!;
    return [n[3 * k], n[3 * k + 1], n[3 * k + 2]];
  });
  const axis = (name: string): Vec => axes[Number(name.slice(4))];
  return p.map((pi, i) => {
    let acc: Vec = [0, 0, 0];
    const add = (k: number, x: Vec) =>
      (acc = [acc[0] + k * x[0], acc[1] + k * x[1], acc[2] + k * x[2]]);
    p.forEach((pj, j) => {
      if (i === j || parts.outputs.length === 0) return;
      const r = sub(pj, pi);
      const u = sub(v[j], v[i]);
      const d = Math.sqrt(dot(r, r) + EPS);
      const rHat = scale(1 / d, r);
      const feature: Record<string, number> = {
        d,
        inv_d: 1 / d,
        radial_speed: dot(rHat, u),
        speed: Math.sqrt(dot(u, u) + EPS),
        qi: q[i],
        qj: q[j],
        qiqj: q[i] * q[j],
        radial_vi: dot(rHat, v[i]),
        radial_vj: dot(rHat, v[j]),
        vi_vj: dot(v[i], v[j]),
      };
      const inputs = parts.inputs.map((n) =>
        n.startsWith("axis") ? dot(axis(n), rHat) : feature[n],
      );
      const c = mlpByName(w, "", [inputs.length, ...hidden, parts.outputs.length], inputs);
      const direction: Record<string, Vec> = {
        rhat: rHat,
        u,
        vi: v[i],
        vj: v[j],
        vi_x_rhat: cross(v[i], rHat),
        u_x_rhat: cross(u, rHat),
      };
      parts.outputs.forEach((n, o) => {
        const f = w.get("pair_factor");
        const factor = f
          ? 1 + f[4 * o] + f[4 * o + 1] * q[i] + f[4 * o + 2] * q[j] + f[4 * o + 3] * q[i] * q[j]
          : 1;
        add(c[o] * factor, n.startsWith("axis") ? axis(n) : direction[n]);
      });
    });
    const t = parts.triplet;
    if (t)
      p.forEach((pj, j) =>
        p.forEach((pk, k) => {
          if (j === i || k === i || j === k) return;
          const side = (a: Vec, b: Vec) => Math.sqrt(dot(sub(b, a), sub(b, a)) + EPS);
          const feature: Record<string, number> = {
            dij: side(pi, pj),
            dik: side(pi, pk),
            djk: side(pj, pk),
            qi: q[i],
            qj: q[j],
            qk: q[k],
          };
          const [coef] = mlpByName(
            w,
            "triplet_",
            [t.inputs.length, t.hidden, 1],
            t.inputs.map((n) => feature[n]),
          );
          add(coef / feature.dij, sub(pj, pi));
        }),
      );
    const gates = fieldGates(parts.field);
    const gate = (name: "p" | "v" | "c") => {
      const col = gates.indexOf(name);
      const g = w.get("field_gate")!;
      return col < 0 ? 0 : 1 + g[col] + g[gates.length + col] * q[i];
    };
    const sym = [0, 1, 2, 1, 3, 4, 2, 4, 5];
    if (parts.field.includes("trap")) {
      const A = w.get("field_p")!;
      add(
        gate("p"),
        [0, 1, 2].map((c) => dot([A[sym[3 * c]], A[sym[3 * c + 1]], A[sym[3 * c + 2]]], pi)) as Vec,
      );
    }
    if (parts.field.includes("radial")) {
      const norm = Math.sqrt(dot(pi, pi) + EPS);
      const [w0, b0, w1] = ["central_w0", "central_b0", "central_w1"].map((n) => w.get(n)!);
      let radial = w.get("central_b1")![0];
      for (let m = 0; m < w0.length; m++) radial += w1[m] * tanh(w0[m] * norm + b0[m]);
      add((gate("p") * radial) / norm, pi);
    }
    if (parts.field.includes("drag")) {
      const B = w.get("field_v")!;
      add(
        gate("v"),
        [0, 1, 2].map((c) => dot([B[3 * c], B[3 * c + 1], B[3 * c + 2]], v[i])) as Vec,
      );
    }
    if (parts.field.includes("uniform")) {
      const C = w.get("field_c")!;
      add(gate("c"), [C[0], C[1], C[2]]);
    }
    const s = w.get("inertia");
    return s ? scale(1 / (1 + s[0] + s[1] * q[i]), acc) : acc;
  });
}

/** {@link referenceStep} for a network of any parts (see {@link referenceAccelerationOf}). */
export function referenceStepOf(
  parts: NetworkParts,
  hidden: number[],
  w: WeightsByName,
  sample: ArrayLike<number>,
  substeps: number[],
): number[] {
  return integrateSample(sample, substeps, (p, v, q) =>
    referenceAccelerationOf(parts, hidden, w, p, v, q),
  );
}
