import { instantiate, layout, wasmModule } from '../util/wasm.ts';

/**
 * Ranking for rank correlations, on typed arrays.
 * 1. argsort of finite values: a radix sort on an integer key, then an exact insertion pass. The
 *    key k = ⌊(x − lo) · K / (hi − lo)⌋ clamped to 0 … K − 1, K = 2¹⁶ keys (2²⁴ at most: at least
 *    8 a value, `digitBits`), over [lo, hi] = the mean ± 3 standard deviations cut to [min, max]
 *    (values beyond share the end keys: fat tails do not crowd the middle into a few keys); one
 *    counting pass of both digits, two stable scatters (low digit, then high digit: LSD radix,
 *    indices in index order within a key), the values carried along; the merge sort below for a run
 *    of one key longer than 32, then one insertion pass over the whole order (on the values,
 *    contiguous). Equal values share a key and keep their index order, and the insertion pass is a
 *    whole stable insertion sort, so the order is that of any stable sort by value; the key
 *    (monotone) only makes it O(n) for values spread like returns and signals. (Issue 21: on the
 *    diagnostics' 500 members a day, about a quarter quicker than the 2n buckets before.) The keys, the
 *    scatters and the insertion pass run in WebAssembly (ranks.wat), over the arrays of a RankSpace.
 * 2. argsort of values with a NaN or an infinity (or a degenerate range): a stable bottom-up merge
 *    sort of indices by value (ties keep index order).
 * 3. ranks: each run of equal values gets the average of its positions (1-based), as
 *    scipy.stats.rankdata('average');
 * 4. Spearman = Pearson correlation of the ranks.
 */

/** A run of one key holding more than this many values is merge-sorted before the insertion pass. */
const INSERTION_MAX = 32;
/**
 * Keys of two digits of `digitBits(n)` bits, sorted by two stable counting passes (LSD radix): 8 bits
 * (2¹⁶ keys) up to a few thousand values, more for more values (at least ~8 keys a value), up to 12.
 */
const MIN_BITS = 8, MAX_BITS = 12;
/** The keys span the mean ± this many standard deviations (cut to [min, max]). */
const SPREAD = 3;

/** The ranking loops, compiled from ranks.wat (`npm run build:wasm`): one module a thread, on first use (util/wasm.ts). */
const RANKS = new URL('./ranks.wasm', import.meta.url);

/**
 * Compiles ranks.wasm on this thread now (if it has not yet) and keeps it. A thread that starts worker
 * threads, which rank (the signal diagnostics), calls it first: V8 keeps one compiled copy of the same
 * bytes a process while some thread holds it, so the workers' modules then share its code (measured:
 * a worker's compile takes 54 µs instead of 250–350), compiled once and freed with the process rather
 * than compiled and freed with each pool's threads (WebAssembly code made and freed across threads is
 * where Node 24's V8 has an open crash, nodejs/node#64500).
 */
// Stryker disable next-line BlockStatement: equivalent, where the compiled code lives (and for how long) changes no result
export function holdRankingCode(): void {
  // Stryker disable next-line CallExpression: equivalent, as above
  wasmModule(RANKS);
}

interface RankExports {
  gather(signal: number, now: number, ahead: number, groupOf: number, mask: number, n: number, s: number, f: number, group: number, out: number): number;
  radix(values: number, n: number, lo: number, scale: number, top: number, bits: number, keys: number, key1: number, index1: number, order: number, out: number, counts: number): number;
  insertion(order: number, out: number, n: number): void;
  ranks(m: number, order: number, sorted: number, group: number, out: number, groupOut: number, seen: number, inRun: number, ties: number, groups: number): void;
  signalSums(m: number, order: number, sorted: number, group: number, rankF: number, groupRankF: number, seen: number, inRun: number, ties: number, sums: number, groups: number): number;
}

/** One side of a ranking: its values, their ascending order, the values in that order, and its ranks. */
export interface RankSide {
  readonly values: Float64Array;
  readonly order: Int32Array;
  /** n + 1 entries: the walks read one past the last value (ranks.wat's `alone`). */
  readonly sorted: Float64Array;
  /** Average ranks (1-based), over all values and within each peer group, by value index. */
  readonly rank: Float64Array;
  readonly groupRank: Float64Array;
  /** Σ (t³ − t) over the runs of t tied values, per group, then over all (entry `groups`). */
  readonly ties: Float64Array;
}

/**
 * The arrays of the diagnostics' rankings (two sides, `s` and `f`, of up to `capacity` values each, in
 * up to `groups` peer groups) in one WebAssembly memory, with the loops of ranks.wat over them: the
 * argsort of point 1 above (`argsort`), and the walks of signal-diagnostics.ts's DayRanks (`ranks`,
 * `signalSums`; see there). The callers fill `values` (and `group`) in place: nothing is copied.
 */
export class RankSpace {
  readonly capacity: number;
  readonly groups: number;
  readonly s: RankSide;
  readonly f: RankSide;
  /** Each value's peer group (0 … groups − 1), by value index. */
  readonly group: Int32Array;
  /** Per group: the members ranked so far (after `ranks`, the group sizes), and those in the current run of ties. */
  readonly seen: Int32Array;
  private readonly inRun: Int32Array;
  /** `signalSums`'s per-group Σ x·y (then room for two more per group: the caller's Σ dx², Σ dy²). */
  readonly sums: Float64Array;
  /** After `gather`: the signals' min, max, sum and sum of squares, then the forward returns'. */
  readonly range: Float64Array;
  /** After `gather`: the day's members, and those of them with a signal. */
  private readonly counted: Int32Array;
  // A decision day's rows, copied in by `gather`: the signal, the closes at t and t + h, the peer groups, the membership.
  private readonly signalRow: Float64Array;
  private readonly nowRow: Float64Array;
  private readonly aheadRow: Float64Array;
  private readonly groupOfRow: Int32Array;
  private readonly maskRow: Uint8Array;
  private groupOfCopied: Int32Array | undefined;
  /** n indices for the merge sort (crowded keys, degenerate ranges). */
  private readonly scratch: Int32Array;
  private readonly keys: Int32Array;
  private readonly key1: Int32Array;
  private readonly index1: Int32Array;
  private readonly counts: Int32Array;
  private readonly exports: RankExports;

  constructor(capacity: number, groups = 0) {
    this.capacity = capacity;
    this.groups = groups;
    const n = capacity, G = groups;
    const side = [8 * n, 4 * n, 8 * (n + 1), 8 * n, 8 * n, 8 * (G + 1)];
    const sizes = [...side, ...side, 4 * n, 4 * G, 4 * G, 24 * G, 4 * n, 4 * n, 4 * n, 4 * n, 4 * (2 << MAX_BITS), 64, 8, 8 * n, 8 * n, 8 * n, 4 * n, n];
    const { at, bytes } = layout(sizes);
    const { exports, buffer } = instantiate<RankExports>(wasmModule(RANKS), bytes, `ranking ${n} values in ${G} groups`);
    this.exports = exports;
    const f64 = (k: number) => new Float64Array(buffer, at[k], sizes[k]! / 8);
    const i32 = (k: number) => new Int32Array(buffer, at[k], sizes[k]! / 4);
    const sideAt = (k: number): RankSide => ({ values: f64(k), order: i32(k + 1), sorted: f64(k + 2), rank: f64(k + 3), groupRank: f64(k + 4), ties: f64(k + 5) });
    this.s = sideAt(0);
    this.f = sideAt(6);
    this.group = i32(12);
    this.seen = i32(13);
    this.inRun = i32(14);
    this.sums = f64(15);
    this.scratch = i32(16);
    this.keys = i32(17);
    this.key1 = i32(18);
    this.index1 = i32(19);
    this.counts = i32(20);
    this.range = f64(21);
    this.counted = i32(22);
    this.signalRow = f64(23);
    this.nowRow = f64(24);
    this.aheadRow = f64(25);
    this.groupOfRow = i32(26);
    this.maskRow = new Uint8Array(buffer, at[27], n);
  }

  /**
   * signalDiagnostics's pass over one decision day (ranks.wat's `gather`): the n columns' signals at
   * signal[row …], closes at close[row …] and close[ahead …], peer groups (groupOf) and membership
   * (mask[row …], or every column when undefined) copied in; the members with a signal, a peer group and
   * a finite forward return kept in s.values, f.values and group, their ranges in `range`. Returns their
   * count m; `members` and `covered` the day's members and those with a signal.
   */
  gather(signal: Float64Array, close: Float64Array, row: number, ahead: number, groupOf: Int32Array, mask: Uint8Array | undefined): number {
    const n = groupOf.length;
    if (n > this.capacity) throw new RangeError(`${n} columns to gather in a RankSpace of ${this.capacity}`); // the loop would write past the arrays
    this.signalRow.set(signal.subarray(row, row + n));
    this.nowRow.set(close.subarray(row, row + n));
    this.aheadRow.set(close.subarray(ahead, ahead + n));
    // Stryker disable next-line ConditionalExpression: equivalent, copying the same groups again changes nothing
    if (groupOf !== this.groupOfCopied) { this.groupOfRow.set(groupOf); this.groupOfCopied = groupOf; } // a season's, the same array day after day
    if (mask) this.maskRow.set(mask.subarray(row, row + n));
    return this.exports.gather(this.signalRow.byteOffset, this.nowRow.byteOffset, this.aheadRow.byteOffset, this.groupOfRow.byteOffset, mask ? this.maskRow.byteOffset : 0, n,
      this.s.values.byteOffset, this.f.values.byteOffset, this.group.byteOffset, this.range.byteOffset);
  }

  /** The last `gather`'s members. */
  get members(): number {
    return this.counted[0]!;
  }

  /** The last `gather`'s members with a signal. */
  get covered(): number {
    return this.counted[1]!;
  }

  /**
   * `finiteArgsort` of side.values[0 … n) (all finite; min, max, sum and sum of squares taken by the
   * caller) into side.order, the values in that order into side.sorted.
   */
  argsort(side: RankSide, n: number, min: number, max: number, sum: number, squares: number): Int32Array {
    const { values, order, sorted } = side;
    if (n > this.capacity) throw new RangeError(`${n} values to sort in a RankSpace of ${this.capacity}`); // the loops would write past the arrays
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent, the path only: an empty range through the keys gets scale = ∞ (the merge sort below), a proper one through the merge sort the same order
    if (!(max > min)) return withSorted(values, n, mergeArgsort(values, n, order, this.scratch), sorted);
    // Stryker disable next-line ArithmeticOperator: equivalent, the range only decides the keys (speed): the insertion pass sorts any order
    const mean = sum / n, sd = Math.sqrt(squares / n - mean * mean); // NaN when rounding makes the variance negative: [min, max]
    let lo = min, hi = max;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, the range only decides the keys (speed): the insertion pass sorts any order
    if (mean - SPREAD * sd > lo) lo = mean - SPREAD * sd;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, as above
    if (mean + SPREAD * sd < hi) hi = mean + SPREAD * sd;
    const bits = digitBits(n), radix = 1 << bits;
    // Stryker disable next-line ArithmeticOperator: equivalent, fewer keys (radix / radix: one) only crowd them (speed): a run of one key is merge-sorted, and the insertion pass sorts any order
    const keyCount = radix * radix, top = keyCount - 1;
    // Stryker disable next-line ArithmeticOperator: equivalent, the scale only decides the keys (speed): the insertion pass sorts any order
    let scale = keyCount / (hi - lo);
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement,BooleanLiteral,ArithmeticOperator: equivalent, a narrowed range of no width (all deviations 0, or rounding) back to [min, max]: speed only, one key for everything still sorts
    if (!(scale > 0 && scale < Infinity)) { lo = min; scale = keyCount / (max - min); }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent, a subnormal range (scale = ∞) put through the keys gets key 0 or the top one ((x − min)·∞ is NaN or ∞), sorted by the merge and insertion passes
    if (!(scale < Infinity)) return withSorted(values, n, mergeArgsort(values, n, order, this.scratch), sorted);
    const { keys, key1, exports } = this;
    const crowded = exports.radix(values.byteOffset, n, lo, scale, top, bits, keys.byteOffset, key1.byteOffset, this.index1.byteOffset, order.byteOffset, sorted.byteOffset, this.counts.byteOffset);
    // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, the merge pass is for speed: the insertion pass after it sorts the whole order
    if (crowded) {
      // Runs of one key longer than INSERTION_MAX, merge-sorted (the keys in order, in key1).
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, without the keys in order (stale ones) other ranges are merged, which is exact, and the insertion pass sorts the whole order; one more past n is never read
      for (let k = 0; k < n; k++) key1[k] = keys[order[k]!]!;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, fewer runs merged (or one empty run past the end) leave the rest to the insertion pass, which sorts the whole order
      for (let start = 0; start < n; ) {
        let end = start + 1;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a shorter or longer run merged changes speed only: merging any range is exact, and the insertion pass sorts the whole order
        while (end < n && key1[end] === key1[start]) end++;
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, which runs are merge-sorted changes speed only: the insertion pass sorts the whole order, and merging any run is exact
        if (end - start > INSERTION_MAX) {
          // Stryker disable next-line CallExpression: equivalent, the merge is for speed: the insertion pass sorts the whole order
          mergeRange(values, order, this.scratch, start, end);
          // Stryker disable next-line EqualityOperator: equivalent, one more, sorted[end] = values[order[end]], is what the scatter carried there (end < n), or at end = n a value past the n sorted (sorted holds n + 1)
          for (let k = start; k < end; k++) sorted[k] = values[order[k]!]!;
        }
        start = end;
      }
    }
    exports.insertion(order.byteOffset, sorted.byteOffset, n);
    return order;
  }

  /** Average ranks of side's m ordered values, global and within groups, into side.rank and side.groupRank; the group sizes into `seen`. */
  ranks(side: RankSide, m: number): void {
    this.exports.ranks(m, side.order.byteOffset, side.sorted.byteOffset, this.group.byteOffset, side.rank.byteOffset, side.groupRank.byteOffset, this.seen.byteOffset, this.inRun.byteOffset, side.ties.byteOffset, this.groups);
  }

  /** The walk of s's order against f's ranks: Σ x·y of the global ranks (returned) and of each group's (into `sums`); s's ties counted. */
  signalSums(m: number): number {
    const { s, f } = this;
    return this.exports.signalSums(m, s.order.byteOffset, s.sorted.byteOffset, this.group.byteOffset, f.rank.byteOffset, f.groupRank.byteOffset, this.seen.byteOffset, this.inRun.byteOffset, s.ties.byteOffset, this.sums.byteOffset, this.groups);
  }
}

/** A RankSpace for `argsort` and `finiteArgsort` of values given as any array (copied in), grown as needed (each worker thread has its own module). */
let shared: RankSpace | undefined;

function sharedSpace(n: number): RankSpace {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent, a space made afresh for more calls (or larger) sorts the same
  if (!shared || shared.capacity < n) shared = new RankSpace(Math.max(n, 2 * (shared?.capacity ?? 0), 64));
  return shared;
}

/** Bits a digit for n values: 2^(2·bits) keys ≥ 8n, within MIN_BITS … MAX_BITS. */
export function digitBits(n: number): number {
  let bits = MIN_BITS;
  while (bits < MAX_BITS && 2 ** (2 * bits) < 8 * n) bits++;
  return bits;
}

/**
 * Indices 0 … n−1 of `values` in ascending order, ties by index; `order` and `scratch` hold n each.
 * `sorted`, when given (n values), receives the values in that order.
 */
export function argsort(values: ArrayLike<number>, n: number, order: Int32Array, scratch: Int32Array, sorted?: Float64Array): Int32Array {
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut: without it n = 1 and n = 0 reach the merge sort (a degenerate range or nothing finite), which gives [0] and writes nothing
  if (n < 2) {
    if (n === 1) order[0] = 0;
    return withSorted(values, n, order, sorted);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent, the first value's finiteness only picks the path: a non-finite first value gives the merge sort (NaN: min = max = NaN) or a non-finite sum (±∞ first, finite others: the range of [min, max], then one key, sorted by the merge and insertion passes)
  let min = values[0]!, max = min, finite = min - min === 0, sum = 0, squares = 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,UpdateOperator,BlockStatement: equivalent, a scan that stops early, never runs, or runs past n ends in min = max or a non-finite value (the merge sort), or a wider [min, max] (keys still monotone, clamped)
  for (let i = 0; finite && i < n; i++) {
    const x = values[i]!;
    // Stryker disable next-line ArithmeticOperator,EqualityOperator,ConditionalExpression: equivalent, x + x !== 0 marks every non-zero value non-finite (the merge sort) and keeps 0 and NaN as before; === and a test forced true mark the first value non-finite (the merge sort, the same order); (a test forced false, which lets NaN into the keys, is killed by the NaN tests, but shares the line)
    if (x - x !== 0) finite = false;
    // (The directive of the next line sits after `else`: a comment before `else` is attached to no node Stryker reads.)
    // The range [min, max] only shapes the keys (finiteArgsort sorts exactly with any range, and sends an empty one to the merge sort): its mutants are equivalent.
    else /* Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent, see above */ if (x < min) min = x;
    else /* Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent, see above */ if (x > max) max = x;
    // Stryker disable next-line AssignmentOperator,ArithmeticOperator: equivalent, the mean and the deviation only narrow the keys' range (speed): any range sorts the same
    sum += x;
    // Stryker disable next-line AssignmentOperator,ArithmeticOperator: equivalent, as above
    squares += x * x;
  }
  // Stryker disable next-line ConditionalExpression: equivalent, forced true: every input to the merge sort, the same order (forced false is killed by the NaN tests)
  if (!finite) return withSorted(values, n, mergeArgsort(values, n, order, scratch), sorted);
  return finiteArgsort(values, n, order, sorted, min, max, sum, squares);
}

/**
 * `argsort` of n finite values (point 1 of the module doc) whose min, max, sum and sum of squares
 * the caller has already taken. The values are copied into a RankSpace and the order out of it (the
 * diagnostics sort in a RankSpace of their own, in place).
 */
export function finiteArgsort(values: ArrayLike<number>, n: number, order: Int32Array, sorted: Float64Array | undefined, min: number, max: number, sum: number, squares: number): Int32Array {
  const space = sharedSpace(n);
  const side = space.s;
  // Stryker disable next-line EqualityOperator: equivalent, one more value copied in, past the n sorted (or dropped at the space's end)
  for (let i = 0; i < n; i++) side.values[i] = values[i]!;
  space.argsort(side, n, min, max, sum, squares);
  order.set(side.order.subarray(0, n));
  if (sorted) sorted.set(side.sorted.subarray(0, n));
  return order;
}

/** `order`, after writing the values in that order to `sorted` (when given). */
function withSorted(values: ArrayLike<number>, n: number, order: Int32Array, sorted: Float64Array | undefined): Int32Array {
  if (sorted) for (let k = 0; k < n; k++) sorted[k] = values[order[k]!]!;
  return order;
}

/** Indices 0 … n−1 of `values` in ascending order, ties by index, by a stable bottom-up merge sort. */
export function mergeArgsort(values: ArrayLike<number>, n: number, order: Int32Array, scratch: Int32Array): Int32Array {
  for (let k = 0; k < n; k++) order[k] = k;
  mergeRange(values, order, scratch, 0, n);
  return order;
}

/** Sorts order[lo … hi) by value, stably (equal values keep their order); scratch holds as many. */
function mergeRange(values: ArrayLike<number>, order: Int32Array, scratch: Int32Array, lo: number, hi: number): void {
  let src = order, dst = scratch;
  // Stryker disable next-line ArithmeticOperator,EqualityOperator: equivalent, hi + lo ≥ hi − lo (and <=): extra passes whose single run is copied unchanged
  for (let width = 1; width < hi - lo; width *= 2) {
    // Stryker disable next-line EqualityOperator: equivalent, from = hi merges an empty range
    for (let from = lo; from < hi; from += 2 * width) {
      const mid = Math.min(from + width, hi), to = Math.min(from + 2 * width, hi);
      let a = from, b = mid, k = from;
      while (a < mid && b < to) dst[k++] = values[src[b]!]! < values[src[a]!]! ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      // Stryker disable next-line EqualityOperator: equivalent, one more copy, of src[to] to dst[to], past the range: the next range's first slot, which its merge overwrites, or (at hi) the slot the same extra copy of the pass before filled from there
      while (b < to) dst[k++] = src[b++]!;
    }
    const swap = src; src = dst; dst = swap;
  }
  // Stryker disable next-line ConditionalExpression: equivalent, copying order onto itself
  if (src !== order) order.set(src.subarray(lo, hi), lo);
}

/** Average ranks (1-based) of values given their ascending order. */
export function ranksFromOrder(values: ArrayLike<number>, order: Int32Array, n: number, ranks: Float64Array): Float64Array {
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Ranks with ties given their average rank (1-based), as in scipy.stats.rankdata('average').
 * @example averageRanks([10, 20, 20, 5]) // [2, 3.5, 3.5, 1]
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = argsort(values, n, new Int32Array(n), new Int32Array(n));
  return ranksFromOrder(values, order, n, new Float64Array(n));
}

/** Pearson correlation of the first n pairs; null when fewer than two points or either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, n = x.length): number | null {
  // Stryker disable next-line ConditionalExpression: equivalent, one point gives Σ dx² = 0 and none gives NaN sums: null either way
  if (n < 2) return null;
  let mx = 0, my = 0;
  for (let k = 0; k < n; k++) { mx += x[k]!; my += y[k]!; }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = x[k]! - mx, dy = y[k]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Spearman rank correlation: Pearson of average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  return pearson(averageRanks(x), averageRanks(y));
}
