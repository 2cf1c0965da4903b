/**
 * Laws of the kinds a design of pair terms along r̂ and u, pair sums and a property multiplier
 * cannot express (see LawFamily): pair forces along each particle's own velocity, pair forces
 * against a fixed direction of space, forces of three bodies at once, and the property as an
 * inertia. Each is written as the physics reads, on the whole system's state.
 */
import { type InteractionLaw, pair, system, unit } from "./interaction-law";

/** Softening length: no force diverges when two particles meet. */
const SOFT = 0.1;
/** The dipoles' common direction and a crystal's stiff axis: fixed, tilted off every axis. */
const DIPOLE = unit(0.5, -0.3, 0.8);
const CRYSTAL = unit(-0.7, 0.2, 0.4);

/** The geometry of the ordered pair (i, j): r = pⱼ − pᵢ, its length d and unit vector r̂. */
interface PairGeometry {
  r: [number, number, number];
  d: number;
  rHat: [number, number, number];
}

/** Every ordered pair's geometry, `g[i][j]`, as {@link pairGeometries} last wrote it. */
type PairGeometries = PairGeometry[][];

// The table pairGeometries fills: the simulator evaluates one law at a time in a thread, and a law
// reads the table only within its evaluation, so one table is reused rather than one object made
// per pair and per use.
let table: PairGeometries = [];

/**
 * The geometry of every ordered pair of distinct particles at positions `p`, computed once for an
 * evaluation of a law: a three-body law reads each pair's several times. The table is reused by
 * the next call.
 */
function pairGeometries(p: Float64Array): PairGeometries {
  const n = p.length / 3;
  if (table.length !== n)
    table = Array.from({ length: n }, () =>
      Array.from({ length: n }, () => ({ r: [0, 0, 0], d: 0, rHat: [0, 0, 0] })),
    );
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const { r, rHat } = table[i][j];
      r[0] = p[3 * j] - p[3 * i];
      r[1] = p[3 * j + 1] - p[3 * i + 1];
      r[2] = p[3 * j + 2] - p[3 * i + 2];
      const d = Math.hypot(r[0], r[1], r[2]);
      table[i][j].d = d;
      rHat[0] = r[0] / d;
      rHat[1] = r[1] / d;
      rHat[2] = r[2] / d;
    }
  return table;
}

const vec = (x: Float64Array, i: number): [number, number, number] => [
  x[3 * i],
  x[3 * i + 1],
  x[3 * i + 2],
];
const dot = (a: readonly number[], b: readonly number[]): number =>
  a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Calls `f(i, j, g[i][j])` for every ordered pair of distinct particles. */
function eachPair(g: PairGeometries, f: (i: number, j: number, pair: PairGeometry) => void): void {
  const n = g.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) f(i, j, g[i][j]);
}

/** Adds k · x to particle i's acceleration. */
function add(a: Float64Array, i: number, k: number, x: readonly number[]): void {
  for (let c = 0; c < 3; c++) a[3 * i + c] += k * x[c];
}

/** The laws added to the zoo for breadth, with their {@link LawFamily}. */
export const BREADTH_LAWS: InteractionLaw[] = [
  {
    name: "moving-charges",
    family: "own-velocity",
    description:
      "the magnetic force between moving charges, qᵢqⱼ vᵢ × (vⱼ × r̂) / d², with their Coulomb repulsion",
    property: [-1.5, 1.5],
    terms: [
      system((p, v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d, rHat }) => {
          const vi = vec(v, i);
          const vj = vec(v, j);
          // vᵢ × (vⱼ × r̂) = vⱼ (vᵢ·r̂) − r̂ (vᵢ·vⱼ)
          // Softened over 0.3: the gyration it causes stays slow enough for the simulator's RK4.
          const k = (1.5 * q[i] * q[j]) / (d * d + 0.09);
          add(a, i, k * dot(vi, rHat), vj);
          add(a, i, -k * dot(vi, vj), rHat);
          add(a, i, (-0.1 * q[i] * q[j] * d) / (d * d + SOFT * SOFT) ** 1.5, rHat);
        }),
      ),
    ],
  },
  {
    name: "flocking",
    family: "own-velocity",
    description:
      "each particle steers towards its neighbours' velocities and brakes its own, weighted by nearness",
    property: [0.5, 2],
    terms: [
      system((p, v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d }) => {
          const w = Math.exp(-d / 0.7);
          add(a, i, 1.2 * q[j] * w, vec(v, j));
          add(a, i, -0.6 * w, vec(v, i));
        }),
      ),
    ],
  },
  {
    name: "gyroscopic",
    family: "own-velocity",
    description: "a pair force across each particle's own velocity, 4 qⱼ e^(−d/0.6) vᵢ × r̂",
    property: [-1.5, 1.5],
    terms: [
      system((p, v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d, rHat }) => {
          const vi = vec(v, i);
          const cross = [
            vi[1] * rHat[2] - vi[2] * rHat[1],
            vi[2] * rHat[0] - vi[0] * rHat[2],
            vi[0] * rHat[1] - vi[1] * rHat[0],
          ];
          add(a, i, 4 * q[j] * Math.exp(-d / 0.6), cross);
        }),
      ),
    ],
  },
  {
    name: "aligned-dipoles",
    family: "fixed-direction",
    description:
      "dipoles aligned along one fixed direction, of moments the property: the dipole-dipole force",
    property: [-1.5, 1.5],
    terms: [
      system((p, _v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d, rHat }) => {
          // On i from j: −3 mᵢmⱼ / d⁴ ((1 − 5 c²) r̂ + 2 c m̂), c = m̂·r̂, r̂ from i to j, with d
          // softened to √(d² + 0.09) throughout, so that the force is smooth where two meet.
          const soft = Math.sqrt(d * d + 0.09);
          const c = (dot(DIPOLE, rHat) * d) / soft;
          const k = (-0.1 * q[i] * q[j]) / soft ** 4;
          add(a, i, (k * (1 - 5 * c * c) * d) / soft, rHat);
          add(a, i, k * 2 * c, DIPOLE);
        }),
      ),
    ],
  },
  {
    name: "crystal-springs",
    family: "fixed-direction",
    description:
      "springs of rest length 0.8, stiffer along a crystal axis, with a shear along that axis",
    property: [0.5, 2],
    terms: [
      system((p, _v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d, rHat }) => {
          const c = dot(CRYSTAL, rHat);
          const stretch = 0.4 * q[j] * (d - 0.8);
          add(a, i, stretch * (1 + 2 * c * c), rHat);
          add(a, i, 0.5 * stretch * c, CRYSTAL);
        }),
      ),
    ],
  },
  {
    name: "dipole-field",
    family: "fixed-direction",
    description:
      "charges in a fixed-direction field whose pull on each pair depends on the pair's orientation",
    property: [-1.5, 1.5],
    terms: [
      system((p, _v, q, a) =>
        eachPair(pairGeometries(p), (i, j, { d, rHat }) => {
          const c = dot(DIPOLE, rHat);
          add(a, i, 3 * q[i] * q[j] * c * Math.exp(-d / 0.8), DIPOLE);
        }),
      ),
      pair((d, _r, qi, qj) => [(-0.1 * qi * qj * d) / (d * d + SOFT * SOFT) ** 1.5, 0]),
    ],
  },
  {
    name: "triangle-pull",
    family: "three-body",
    description:
      "each particle is pulled towards every pair of others, by a weight of the whole triangle's size",
    property: [0.5, 2],
    terms: [
      system((p, _v, q, a) => {
        const n = q.length;
        const g = pairGeometries(p);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            for (let k = j + 1; k < n; k++) {
              if (j === i || k === i) continue;
              const [ij, ik, jk] = [g[i][j], g[i][k], g[j][k]];
              const w = 1.5 * q[i] * Math.exp(-(ij.d + ik.d + jk.d) / 1.2);
              add(a, i, w, ij.rHat);
              add(a, i, w, ik.rHat);
            }
      }),
    ],
  },
  {
    name: "shadowed-gravity",
    family: "three-body",
    description:
      "gravity between two particles weakened when a third stands between them (a shadowing force)",
    property: [0.5, 2],
    terms: [
      system((p, _v, q, a) => {
        const n = q.length;
        const g = pairGeometries(p);
        eachPair(g, (i, j, { d, rHat }) => {
          let shadow = 1;
          for (let k = 0; k < n; k++) {
            if (k === i || k === j) continue;
            // 0 when k lies on the segment from i to j, near 1 when it is far off it.
            const detour = g[i][k].d + g[k][j].d - d;
            shadow *= 1 - 0.9 * Math.exp(-detour / 0.3);
          }
          add(a, i, (0.5 * q[j] * d * shadow) / (d * d + 0.04) ** 1.5, rHat);
        });
      }),
    ],
  },
  {
    name: "bond-angles",
    family: "three-body",
    description:
      "near neighbours of a particle are pushed towards a 90° angle between them (an angular bond)",
    property: [0.5, 2],
    terms: [
      system((p, _v, _q, a) => {
        const n = p.length / 3;
        const g = pairGeometries(p);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            for (let k = 0; k < n; k++) {
              if (j === i || k === i || j === k) continue;
              // On j, about vertex i: along the part of r̂ᵢₖ across r̂ᵢⱼ, pushing cos θ to 0.
              const [ij, ik] = [g[i][j], g[i][k]];
              const cos = dot(ij.rHat, ik.rHat);
              const w = 3 * Math.exp(-(ij.d + ik.d) / 1.0);
              const across = [0, 1, 2].map((c) => ik.rHat[c] - cos * ij.rHat[c]);
              add(a, j, (-w * cos) / Math.max(ij.d, SOFT), across);
            }
      }),
    ],
  },
  {
    name: "inertial-springs",
    family: "inertia",
    description: "springs of rest length 0.8 between every pair, each particle's mass its inertia",
    property: [0.5, 2],
    terms: [pair((d, _r, qi) => [(0.6 * (d - 0.8)) / qi, 0])],
  },
  {
    name: "inertial-charges",
    family: "inertia",
    description:
      "equal charges repelling in a uniform field with Stokes drag, every force divided by the mass",
    property: [0.5, 2],
    terms: [
      system((p, v, q, a) => {
        const n = q.length;
        const g = pairGeometries(p);
        for (let i = 0; i < n; i++) {
          const force = [0.5 * DIPOLE[0], 0.5 * DIPOLE[1], 0.5 * DIPOLE[2]];
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            const { d, rHat } = g[i][j];
            for (let c = 0; c < 3; c++)
              force[c] -= (0.15 * d * rHat[c]) / (d * d + SOFT * SOFT) ** 1.5;
          }
          for (let c = 0; c < 3; c++) force[c] -= 0.6 * v[3 * i + c];
          add(a, i, 1 / q[i], force);
        }
      }),
    ],
  },
  {
    name: "inertial-magnetic",
    family: "inertia",
    description:
      "unit charges of different masses in a magnetic field, with their Coulomb repulsion, a = F / m",
    property: [0.5, 2],
    terms: [
      system((p, v, q, a) => {
        const n = q.length;
        const g = pairGeometries(p);
        for (let i = 0; i < n; i++) {
          const vi = vec(v, i);
          const b = CRYSTAL;
          const force = [
            2 * (vi[1] * b[2] - vi[2] * b[1]),
            2 * (vi[2] * b[0] - vi[0] * b[2]),
            2 * (vi[0] * b[1] - vi[1] * b[0]),
          ];
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            const { d, rHat } = g[i][j];
            for (let c = 0; c < 3; c++)
              force[c] -= (0.1 * d * rHat[c]) / (d * d + SOFT * SOFT) ** 1.5;
          }
          add(a, i, 1 / q[i], force);
        }
      }),
    ],
  },
];
