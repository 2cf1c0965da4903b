import { type NpzReadOptions, readNpz } from "../../io/npz";
import { SeededRandom } from "../../random/seeded";

/** Particles per sample. */
export const N_PARTICLES = 4;
/** Raw values per particle in: position (3), velocity (3), one scalar property (mass or charge). */
export const N_IN = 7;
/** Raw values per particle out: the predicted position (3). */
export const N_OUT = 3;
/** Values per sample in: N_PARTICLES × N_IN. */
export const SAMPLE_IN = N_PARTICLES * N_IN;
/** Values per sample out: N_PARTICLES × N_OUT. */
export const SAMPLE_OUT = N_PARTICLES * N_OUT;

/** Fewest training samples a data set may have: enough to hold 10% out and train on the rest. */
export const MIN_TRAIN_SAMPLES = 10;

/**
 * A particle file that is a readable `.npz` but not a data set of the challenge's layout: an array
 * missing, of the wrong shape, holding NaN or Inf, or too few samples. The message names the file
 * and the array. (A file that is not an `.npz` at all is an `NpzError`.)
 */
export class ParticleDataError extends Error {
  override name = "ParticleDataError";
}

/** One particle data set: flat row-major float32 arrays plus their sample counts. */
export interface ParticleData {
  /** The file it came from. */
  source: string;
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  nTrain: number;
  nTest: number;
}

/**
 * Reads a particle `.npz` (`train_x` (n, 4, 7), `train_y` (n, 4, 3), `test_x` (m, 4, 7)), checking
 * names, shapes and that every value is finite; errors name the file and the array.
 *
 * @example
 * const data = loadParticles("data/particles/5bf4506e86.npz"); // data.nTrain = 48000
 */
export function loadParticles(
  path: string,
  options: Pick<NpzReadOptions, "maxInflatedBytes"> = {},
): ParticleData {
  const arrays = readNpz(path, { ...options, names: ["train_x", "train_y", "test_x"] });
  const get = (name: string, width: number): { data: Float32Array; n: number } => {
    const a = arrays[name];
    if (!a)
      throw new ParticleDataError(
        `${path}: no array ${name} (found: ${Object.keys(arrays).join(", ") || "none"})`,
      );
    const [n, p, w] = a.shape;
    if (a.shape.length !== 3 || p !== N_PARTICLES || w !== width) {
      throw new ParticleDataError(
        `${path}: ${name} has shape (${a.shape.join(", ")}), expected (n, ${N_PARTICLES}, ${width})`,
      );
    }
    // Integer arrays (int64 included) are read as numbers; float32 is what the network takes.
    const data =
      a.data instanceof Float32Array
        ? a.data
        : a.data instanceof BigInt64Array
          ? Float32Array.from(a.data, (v) => Number(v))
          : Float32Array.from(a.data as ArrayLike<number>);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      const at = [Math.floor(bad / (p * w)), Math.floor(bad / w) % p, bad % w];
      throw new ParticleDataError(
        `${path}: ${name}[${at.join(", ")}] is ${data[bad]} (NaN or Inf values are not allowed)`,
      );
    }
    return { data, n };
  };
  const trainX = get("train_x", N_IN);
  const trainY = get("train_y", N_OUT);
  const testX = get("test_x", N_IN);
  if (trainX.n !== trainY.n)
    throw new ParticleDataError(`${path}: train_x has ${trainX.n} samples but train_y ${trainY.n}`);
  // A 10% hold-out needs at least one validation sample and one training sample.
  if (trainX.n < MIN_TRAIN_SAMPLES)
    throw new ParticleDataError(
      `${path}: train_x has ${trainX.n} samples; at least ${MIN_TRAIN_SAMPLES} are needed to hold 10% out for validation`,
    );
  return {
    source: path,
    trainX: trainX.data,
    trainY: trainY.data,
    testX: testX.data,
    nTrain: trainX.n,
    nTest: testX.n,
  };
}

/** A train/validation split: sample indices of each side. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/** Seeded random split of `n` samples with `valFraction` of them held out for validation. */
export function splitIndices(n: number, valFraction = 0.1, seed = 0): Split {
  const order = new SeededRandom(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const nVal = Math.round(n * valFraction);
  return {
    val: Int32Array.from(order.slice(0, nVal)).sort(),
    train: Int32Array.from(order.slice(nVal)).sort(),
  };
}

/** One particle's raw inputs: position, velocity and its scalar property (mass or charge). */
export interface ParticleInput {
  position: [number, number, number];
  velocity: [number, number, number];
  property: number;
}

/**
 * The inputs of particle `p` of sample `s` in a flat (n, 4, 7) array.
 *
 * @example
 * particleInput(data.trainX, 0, 2).velocity[0]; // x-velocity of particle 2 of sample 0
 */
export function particleInput(x: Float32Array, s: number, p: number): ParticleInput {
  const o = s * SAMPLE_IN + p * N_IN;
  return {
    position: [x[o], x[o + 1], x[o + 2]],
    velocity: [x[o + 3], x[o + 4], x[o + 5]],
    property: x[o + 6],
  };
}

/**
 * The position of particle `p` of sample `s` in a flat (n, 4, 3) output array.
 *
 * @example
 * particleOutput(data.trainY, 0, 2)[0]; // x of particle 2 of sample 0, one step later
 */
export function particleOutput(y: Float32Array, s: number, p: number): [number, number, number] {
  const o = s * SAMPLE_OUT + p * N_OUT;
  return [y[o], y[o + 1], y[o + 2]];
}
