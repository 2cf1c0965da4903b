/**
 * How one simulated physics moves four particles: the acceleration of every particle as a function
 * of all positions, velocities and scalar properties. Pair laws and external fields are written as
 * separate parts so that a law of the zoo reads as the sum of its physics.
 */

/** A 3-vector as three numbers, written into `out` at `o`. */
export type Vec3Out = (out: Float64Array, o: number, x: number, y: number, z: number) => void;

/**
 * A central pair force on particle i from particle j, as the acceleration of i along the unit
 * vector from i to j (positive: attraction), plus a coefficient on the relative velocity
 * u = v_j - v_i (positive: i is dragged along with j).
 */
export interface PairTerm {
  kind: "pair";
  /** `[along r̂, along u]` for distance d, radial speed r̂·u, properties q_i and q_j. */
  accel(d: number, radial: number, qi: number, qj: number): [number, number];
}

/** An external field: particle i's acceleration from its own state alone. */
export interface FieldTerm {
  kind: "field";
  /** Adds the acceleration of a particle at `p` with velocity `v` and property `q` to `a`. */
  accel(p: readonly number[], v: readonly number[], q: number, a: number[]): void;
}

/**
 * A term written on the whole system's state, for what pair terms and fields cannot say: forces
 * that need three bodies at once, pair forces along a particle's own velocity or against a fixed
 * direction of space, or a property that divides the response as an inertia.
 */
export interface SystemTerm {
  kind: "system";
  /**
   * Adds every particle's acceleration (particle · 3 + axis) to `a`, from the positions `p`,
   * velocities `v` and properties `q` of all of them.
   */
  accel(p: Float64Array, v: Float64Array, q: Float64Array, a: Float64Array): void;
}

/**
 * The kinds of law the zoo was grown by, beyond pair forces along r̂ and u and external fields:
 * pair forces along a particle's own velocity, against a fixed direction of space, forces of three
 * bodies at once, and the property as an inertia (a = F / m).
 */
export type LawFamily = "own-velocity" | "fixed-direction" | "three-body" | "inertia";

/** One simulated physics: a sum of pair terms and fields, and how the scalar property is drawn. */
export interface InteractionLaw {
  /** Short id, used as the data set's file name. */
  name: string;
  /** One sentence of what the law is. */
  description: string;
  /** The scalar property is drawn uniformly from this range (a mass, or a charge when signed). */
  property: [number, number];
  terms: (PairTerm | FieldTerm | SystemTerm)[];
  /** The kind of law it was added for, for the laws beyond pair forces and fields. */
  family?: LawFamily;
}

/** A pair term from its acceleration function. */
export function pair(accel: PairTerm["accel"]): PairTerm {
  return { kind: "pair", accel };
}

/** A field term from its acceleration function. */
export function field(accel: FieldTerm["accel"]): FieldTerm {
  return { kind: "field", accel };
}

/** A system term from its acceleration function. */
export function system(accel: SystemTerm["accel"]): SystemTerm {
  return { kind: "system", accel };
}

/** The unit vector along (x, y, z). */
export function unit(x: number, y: number, z: number): [number, number, number] {
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

// Scratch vectors of one particle's state, reused across calls (the simulator's inner loop).
const pi = [0, 0, 0];
const vi = [0, 0, 0];
const acc = [0, 0, 0];

/**
 * Writes the accelerations of 4 particles (positions `p` and velocities `v`, 12 values each, and
 * properties `q`) under `law` into `a` (12 values).
 */
export function accelerations(
  law: InteractionLaw,
  p: Float64Array,
  v: Float64Array,
  q: Float64Array,
  a: Float64Array,
): void {
  a.fill(0);
  const n = q.length;
  for (const term of law.terms) {
    if (term.kind === "pair") {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          const rx = p[3 * j] - p[3 * i];
          const ry = p[3 * j + 1] - p[3 * i + 1];
          const rz = p[3 * j + 2] - p[3 * i + 2];
          const ux = v[3 * j] - v[3 * i];
          const uy = v[3 * j + 1] - v[3 * i + 1];
          const uz = v[3 * j + 2] - v[3 * i + 2];
          const d = Math.sqrt(rx * rx + ry * ry + rz * rz);
          const radial = (rx * ux + ry * uy + rz * uz) / d;
          const [alongR, alongU] = term.accel(d, radial, q[i], q[j]);
          a[3 * i] += (alongR * rx) / d + alongU * ux;
          a[3 * i + 1] += (alongR * ry) / d + alongU * uy;
          a[3 * i + 2] += (alongR * rz) / d + alongU * uz;
        }
      }
    } else if (term.kind === "system") {
      term.accel(p, v, q, a);
    } else {
      for (let i = 0; i < n; i++) {
        acc.fill(0);
        for (let c = 0; c < 3; c++) {
          pi[c] = p[3 * i + c];
          vi[c] = v[3 * i + c];
        }
        term.accel(pi, vi, q[i], acc);
        a[3 * i] += acc[0];
        a[3 * i + 1] += acc[1];
        a[3 * i + 2] += acc[2];
      }
    }
  }
}
