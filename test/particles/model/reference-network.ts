/**
 * The interaction network written as plainly as it reads on paper, independent of the kernel: the
 * spec the kernel's forward pass must equal (reference-forward.test.ts). Vectors are arrays of 3,
 * weights come by name, and nothing is cached or fused. Shares only the rational tanh with the
 * kernel, so that the two agree to rounding.
 */
import { tanh } from "../../../src/math/fast-tanh";

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
  const particle = (i: number, at: number): Vec => [
    sample[i * 7 + at],
    sample[i * 7 + at + 1],
    sample[i * 7 + at + 2],
  ];
  let p = [0, 1, 2, 3].map((i) => particle(i, 0));
  let v = [0, 1, 2, 3].map((i) => particle(i, 3));
  const q = [0, 1, 2, 3].map((i) => sample[i * 7 + 6]);
  let a = referenceAcceleration(w, p, v, q);
  substeps.forEach((dt, s) => {
    p = p.map((pi, i) => pi.map((x, c) => x + v[i][c] * dt + a[i][c] * 0.5 * dt * dt) as Vec);
    if (s + 1 === substeps.length) return;
    const euler = v.map((vi, i) => vi.map((x, c) => x + a[i][c] * dt) as Vec);
    const next = referenceAcceleration(w, p, euler, q);
    v = v.map((vi, i) => vi.map((x, c) => x + (a[i][c] + next[i][c]) * 0.5 * dt) as Vec);
    a = next;
  });
  return p.flat();
}
