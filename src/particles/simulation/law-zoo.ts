import { BREADTH_LAWS } from "./breadth-laws";
import { field, type InteractionLaw, pair, unit } from "./interaction-law";

/** Softening length of the singular pair laws: no force diverges when two particles meet. */
const SOFT = 0.1;

// Fixed directions of the non-rotation-symmetric fields, tilted off every axis on purpose.
const E_DIR = unit(0.3, -0.5, 0.8);
const G_DIR = unit(-0.2, 0.1, -1);
const AXIS = unit(0.6, 0.7, -0.4);
const B_DIR = unit(-0.4, 0.2, 0.9);

/** a × b into out (added). */
function addCross(a: readonly number[], b: readonly number[], k: number, out: number[]): void {
  out[0] += k * (a[1] * b[2] - a[2] * b[1]);
  out[1] += k * (a[2] * b[0] - a[0] * b[2]);
  out[2] += k * (a[0] * b[1] - a[1] * b[0]);
}

/** Coulomb-like pair acceleration: like charges repel. */
const coulomb = (k: number) =>
  pair((d, _radial, qi, qj) => [(-k * qi * qj * d) / (d * d + SOFT * SOFT) ** 1.5, 0]);

/** Gravity-like pair acceleration, the property being the mass of the other particle. */
const gravity = (g: number, soft = SOFT) =>
  pair((d, _radial, _qi, qj) => [(g * qj * d) / (d * d + soft * soft) ** 1.5, 0]);

/**
 * The zoo of interaction laws a four-body simulation might have, used to choose one particle design
 * for breadth (`npm run bench:generality`): pair forces of several radial shapes, velocity-dependent
 * pair forces, uniform, central and axial fields, a magnetic field, damping, and a strong short-range
 * attraction that bends trajectories within one observation step (the form of a gravity-like law,
 * far stronger than any public set's). The three public sets are added by the benchmark as files.
 * Constants were picked so that the forces move a particle by about as much as in the public sets
 * (a few hundredths to a few tenths within a step). Then the laws of the kinds such a design cannot
 * express (breadth-laws.ts): pair forces along a particle's own velocity, against a fixed direction,
 * three-body forces and the property as an inertia.
 */
export const LAW_ZOO: InteractionLaw[] = [
  {
    name: "inverse-distance",
    description: "attraction falling as 1/d (a two-dimensional gravity), the property a mass",
    property: [0.5, 2],
    terms: [pair((d, _r, _qi, qj) => [(0.3 * qj * d) / (d * d + SOFT * SOFT), 0])],
  },
  {
    name: "inverse-cube",
    description: "repulsion between charges falling as 1/d³",
    property: [-1.5, 1.5],
    terms: [
      pair((d, _r, qi, qj) => [(-0.04 * qi * qj * d) / (d * d + SOFT * SOFT) ** 2, 0]),
      field((p, _v, _q, a) => p.forEach((x, c) => (a[c] -= 0.3 * x))),
    ],
  },
  {
    name: "yukawa",
    description: "screened Coulomb (Yukawa) force, range 0.5, in a weak harmonic trap",
    property: [-1.5, 1.5],
    terms: [
      pair((d, _r, qi, qj) => [
        (-0.6 * qi * qj * Math.exp(-d / 0.5) * (1 + d / 0.5) * d) / (d * d + SOFT * SOFT) ** 1.5,
        0,
      ]),
      field((p, _v, _q, a) => p.forEach((x, c) => (a[c] -= 0.2 * x))),
    ],
  },
  {
    name: "gaussian-core",
    description: "soft Gaussian repulsion of width 0.4 scaled by both masses, with weak gravity",
    property: [0.5, 2],
    terms: [
      pair((d, _r, qi, qj) => [-0.12 * qi * qj * (d / 0.16) * Math.exp(-(d * d) / 0.32), 0]),
      gravity(0.15),
    ],
  },
  {
    name: "morse",
    description: "Morse potential with its minimum at d = 1: repulsive inside, attractive outside",
    property: [0.5, 1.5],
    terms: [
      pair((d, _r, qi, qj) => {
        const e = Math.exp(-2 * (d - 1));
        return [-0.8 * qi * qj * (e * e - e), 0];
      }),
    ],
  },
  {
    name: "springs",
    description: "springs of rest length 0.8 between every pair, stiffness scaled by the mass",
    property: [0.5, 2],
    terms: [pair((d, _r, _qi, qj) => [0.5 * qj * (d - 0.8), 0])],
  },
  {
    name: "pair-drag",
    description:
      "gravity plus a drag towards the other particle's velocity that decays with distance",
    property: [0.5, 2],
    terms: [gravity(0.3), pair((d) => [0, 0.8 * Math.exp(-d)])],
  },
  {
    name: "dissipative",
    description: "a radial friction on approach and recession (as in DPD) with soft repulsion",
    property: [0.5, 1.5],
    terms: [
      pair((d, radial) => {
        const w = Math.max(0, 1 - d / 1.5);
        return [-0.6 * w + 1.0 * w * w * radial, 0];
      }),
      field((p, _v, _q, a) => p.forEach((x, c) => (a[c] -= 0.15 * x))),
    ],
  },
  {
    name: "electric-field",
    description: "charges in a uniform electric field, with their Coulomb repulsion",
    property: [-1.5, 1.5],
    terms: [coulomb(0.1), field((_p, _v, q, a) => E_DIR.forEach((e, c) => (a[c] += 0.6 * q * e)))],
  },
  {
    name: "gravity-drag",
    description: "uniform gravity and air drag on masses that attract each other",
    property: [0.5, 2],
    terms: [
      gravity(0.2),
      field((_p, v, _q, a) => G_DIR.forEach((g, c) => (a[c] += 0.8 * g - 0.5 * v[c]))),
    ],
  },
  {
    name: "axial-trap",
    description: "a harmonic trap towards a tilted axis, charges repelling each other",
    property: [-1.5, 1.5],
    terms: [
      coulomb(0.1),
      field((p, _v, _q, a) => {
        const along = p[0] * AXIS[0] + p[1] * AXIS[1] + p[2] * AXIS[2];
        for (let c = 0; c < 3; c++) a[c] -= 1.2 * (p[c] - along * AXIS[c]);
      }),
    ],
  },
  {
    name: "magnetic",
    description: "charges in a uniform magnetic field (Lorentz force q v × B), with Coulomb forces",
    property: [-1.5, 1.5],
    terms: [coulomb(0.1), field((_p, v, q, a) => addCross(v, B_DIR, 2 * q, a))],
  },
  {
    name: "offset-trap",
    description: "an anisotropic harmonic trap centred off the origin, masses attracting",
    property: [0.5, 2],
    terms: [
      gravity(0.1),
      field((p, _v, _q, a) => {
        const c0 = [0.3, -0.2, 0.1];
        const k = [0.3, 0.8, 1.6];
        for (let c = 0; c < 3; c++) a[c] -= k[c] * (p[c] - c0[c]);
      }),
    ],
  },
  {
    name: "quartic-trap",
    description: "a non-linear central trap (force growing as |p|³) with Coulomb forces",
    property: [-1.5, 1.5],
    terms: [
      coulomb(0.1),
      field((p, _v, _q, a) => {
        const r2 = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
        for (let c = 0; c < 3; c++) a[c] -= 0.5 * r2 * p[c];
      }),
    ],
  },
  {
    name: "strong-gravity",
    description: "a strong, short-range attraction that bends trajectories within one step",
    property: [0.5, 2],
    terms: [gravity(1.2, 0.2)],
  },
  ...BREADTH_LAWS,
];
