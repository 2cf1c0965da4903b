/** Int32 fields at the start of the shared buffer: arrivals at the barrier, its generation, abort. */
const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;
/** Bytes before the slots (kept a multiple of 8 for the Float64 slots). */
const HEADER_BYTES = 16;
/** How long a replica waits at the barrier between checks of the abort flag. */
const WAIT_MS = 200;

/** Thrown in a replica when another one gave up (failed or was stopped). */
export class ReplicaAbortedError extends Error {
  constructor() {
    super("another replica of the data-parallel training failed");
    this.name = "ReplicaAbortedError";
  }
}

/**
 * The replicas of one data-parallel training, each in its own worker thread, and the one thing
 * they share: {@link ReplicaGroup.sum}, which adds a vector over all replicas and gives every
 * replica the same total (the slots are added in rank order, in float64, so the totals agree to
 * the bit and the replicas' weights stay identical). Built on a SharedArrayBuffer and Atomics: a
 * barrier per sum, no messages.
 *
 * @example
 * const buffer = ReplicaGroup.allocate(2, 105); // in the parent; pass it to both workers
 * const group = new ReplicaGroup(buffer, rank, 2); // in worker `rank`
 * const total = group.sum(Float64Array.of(1, 2)); // [2, 4] in both workers
 */
export class ReplicaGroup {
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  private readonly width: number;

  /**
   * @param buffer - from {@link ReplicaGroup.allocate}, the same in every replica
   * @param rank - this replica's index, 0 … size - 1
   * @param size - the number of replicas
   */
  constructor(
    buffer: SharedArrayBuffer,
    readonly rank: number,
    readonly size: number,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= size)
      throw new Error(`replica rank ${rank} outside 0 … ${size - 1}`);
    this.control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.width = (buffer.byteLength - HEADER_BYTES) / 8 / size;
    this.slots = new Float64Array(buffer, HEADER_BYTES, this.width * size);
  }

  /** A buffer for `size` replicas summing vectors of at most `width` numbers. */
  static allocate(size: number, width: number): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + 8 * size * width);
  }

  /** Marks the group as failed: replicas waiting in, or later entering, {@link sum} throw. */
  static abort(buffer: SharedArrayBuffer): void {
    const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    Atomics.store(control, ABORTED, 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  }

  /**
   * Adds `values` over every replica; each replica must call it with vectors of the same length,
   * the same number of times. Blocks until all have; throws {@link ReplicaAbortedError} when the
   * group was aborted.
   */
  sum(values: ArrayLike<number>): Float64Array {
    if (values.length > this.width)
      throw new Error(`replica sum of ${values.length} values: the group holds ${this.width}`);
    this.slots.set(values, this.rank * this.width);
    this.barrier();
    const total = new Float64Array(values.length);
    for (let r = 0; r < this.size; r++)
      for (let i = 0; i < values.length; i++) total[i] += this.slots[r * this.width + i];
    // No replica writes its next values before every replica has read these.
    this.barrier();
    return total;
  }

  /** Waits until every replica has arrived (a generation counter, so the barrier is reusable). */
  private barrier(): void {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.load(c, ABORTED)) throw new ReplicaAbortedError();
    if (Atomics.add(c, ARRIVED, 1) === this.size - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    while (Atomics.load(c, GENERATION) === generation)
      Atomics.wait(c, GENERATION, generation, WAIT_MS);
    if (Atomics.load(c, ABORTED)) throw new ReplicaAbortedError();
  }
}

/**
 * The contiguous part `[start, end)` of `n` items that replica `rank` of `size` takes: the parts
 * cover the items in order and differ in length by at most one.
 *
 * @example
 * shardRange(5, 0, 2); // [0, 2]
 * shardRange(5, 1, 2); // [2, 5]
 */
export function shardRange(n: number, rank: number, size: number): [number, number] {
  return [Math.floor((rank * n) / size), Math.floor(((rank + 1) * n) / size)];
}
