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
 * they share: {@link ReplicaGroup.sum}, which adds vectors over the group's `shards` parts and
 * gives every replica the same total. Each replica holds the shards `shardRange(shards, rank,
 * size)` (one each when there are as many shards as replicas); the slots are added in shard
 * order, in float64, so the totals agree to the bit, and they do not depend on how many replicas
 * share the shards: a group of one replica holding every shard (no worker, in the calling thread)
 * gives the same totals as one of several. Built on a SharedArrayBuffer and Atomics: a barrier
 * per sum, no messages.
 *
 * @example
 * const buffer = ReplicaGroup.allocate(2, 105); // in the parent; pass it to both workers
 * const group = new ReplicaGroup(buffer, rank, 2); // in worker `rank`
 * const total = group.sum([Float64Array.of(1, 2)]); // [2, 4] in both workers
 */
export class ReplicaGroup {
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  private readonly width: number;
  /** The shards this replica holds, `[first, end)`. */
  readonly mine: [number, number];

  /**
   * @param buffer - from {@link ReplicaGroup.allocate}, the same in every replica
   * @param rank - this replica's index, 0 … size - 1
   * @param size - the number of replicas
   * @param shards - the number of shards, at least `size` (the buffer's slots; default `size`)
   */
  constructor(
    buffer: SharedArrayBuffer,
    readonly rank: number,
    readonly size: number,
    readonly shards = size,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= size)
      throw new Error(`replica rank ${rank} outside 0 … ${size - 1}`);
    if (!Number.isInteger(shards) || shards < size)
      throw new Error(`a group of ${size} replicas needs at least as many shards, not ${shards}`);
    this.control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.width = (buffer.byteLength - HEADER_BYTES) / 8 / shards;
    this.slots = new Float64Array(buffer, HEADER_BYTES, this.width * shards);
    this.mine = shardRange(shards, rank, size);
  }

  /** A buffer for a group of `shards` shards summing vectors of at most `width` numbers. */
  static allocate(shards: number, width: number): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + 8 * shards * width);
  }

  /** Marks the group as failed: replicas waiting in, or later entering, {@link sum} throw. */
  static abort(buffer: SharedArrayBuffer): void {
    const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    Atomics.store(control, ABORTED, 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  }

  /**
   * Adds vectors over every shard: `values[k]` is shard `mine[0] + k`'s, one per shard this
   * replica holds, all of the same length in every replica, which must call it the same number
   * of times. Blocks until all have; throws {@link ReplicaAbortedError} when the group was aborted.
   */
  sum(values: ArrayLike<number>[]): Float64Array {
    const [first, end] = this.mine;
    if (values.length !== end - first)
      throw new Error(
        `replica ${this.rank} holds ${end - first} shards, was given ${values.length}`,
      );
    const length = values[0]?.length ?? 0;
    if (length > this.width)
      throw new Error(`replica sum of ${length} values: the group holds ${this.width}`);
    values.forEach((v, k) => {
      if (v.length !== length) throw new Error("replica sum: the shards' vectors differ in length");
      this.slots.set(v, (first + k) * this.width);
    });
    this.barrier();
    const total = new Float64Array(length);
    for (let s = 0; s < this.shards; s++)
      for (let i = 0; i < length; i++) total[i] += this.slots[s * this.width + i];
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
