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
 *    diagnostics' 500 members a day, about a quarter quicker than the 2n buckets before.)
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

// The digits' counts, the keys, and the sorted values, reused from call to call (each worker thread has its own module).
const counts = new Int32Array(2 << MAX_BITS);
let keys = new Uint32Array(0);
let passed = new Uint32Array(0);
let sortedValues = new Float64Array(0);

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
  return finiteArgsort(values, n, order, scratch, sorted, min, max, sum, squares);
}

/**
 * `argsort` of n finite values (point 1 of the module doc) whose min, max, sum and sum of squares
 * the caller has already taken (the signal diagnostics take them while gathering the members).
 */
export function finiteArgsort(values: ArrayLike<number>, n: number, order: Int32Array, scratch: Int32Array, sorted: Float64Array | undefined, min: number, max: number, sum: number, squares: number): Int32Array {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent, the path only: an empty range through the keys gets scale = ∞ (the merge sort below), a proper one through the merge sort the same order
  if (!(max > min)) return withSorted(values, n, mergeArgsort(values, n, order, scratch), sorted);
  // Stryker disable next-line ArithmeticOperator: equivalent, the range only decides the keys (speed): the insertion pass sorts any order
  const mean = sum / n, sd = Math.sqrt(squares / n - mean * mean); // NaN when rounding makes the variance negative: [min, max]
  let lo = min, hi = max;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, the range only decides the keys (speed): the insertion pass sorts any order
  if (mean - SPREAD * sd > lo) lo = mean - SPREAD * sd;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, as above
  if (mean + SPREAD * sd < hi) hi = mean + SPREAD * sd;
  const bits = digitBits(n), radix = 1 << bits, digit = radix - 1;
  // Stryker disable next-line ArithmeticOperator: equivalent, fewer keys (radix / radix: one) only crowd them (speed): a run of one key is merge-sorted, and the insertion pass sorts any order
  const keyCount = radix * radix, top = keyCount - 1;
  // Stryker disable next-line ArithmeticOperator: equivalent, the scale only decides the keys (speed): the insertion pass sorts any order
  let scale = keyCount / (hi - lo);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement,BooleanLiteral,ArithmeticOperator: equivalent, a narrowed range of no width (all deviations 0, or rounding) back to [min, max]: speed only, one key for everything still sorts
  if (!(scale > 0 && scale < Infinity)) { lo = min; scale = keyCount / (max - min); }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent, a subnormal range (scale = ∞) put through the keys gets key 0 or the top one ((x − min)·∞ is NaN or ∞), sorted by the merge and insertion passes
  if (!(scale < Infinity)) return withSorted(values, n, mergeArgsort(values, n, order, scratch), sorted);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, fresh buffers every call
  if (keys.length < n) { keys = new Uint32Array(n); passed = new Uint32Array(n); }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a fresh buffer every call
  const out = sorted ?? (sortedValues.length < n ? (sortedValues = new Float64Array(n)) : sortedValues);
  const key = keys, key1 = passed, index1 = scratch; // after the first scatter: keys and indices by low digit
  counts.fill(0, 0, 2 * radix);
  for (let i = 0; i < n; i++) {
    // Stryker disable next-line ArithmeticOperator: equivalent, the map only decides the keys (speed): the insertion pass sorts any order, and equal values still share a key
    const x = (values[i]! - lo) * scale;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, <= 0 and > top move only x = 0 and x = top, which truncate to the same key, and a test forced true gives every value one key (0 or the top one), sorted by the merge and insertion passes (a test forced false, which lets a key out of range, is killed, but shares the line)
    const k = x < 0 ? 0 : x >= top ? top : x | 0;
    key[i] = k;
    counts[k & digit]!++;
    counts[radix + (k >>> bits)]!++;
  }
  // Stryker disable next-line BooleanLiteral: equivalent, crowded only decides whether the merge pass runs; it merges only runs of one key over INSERTION_MAX, and the insertion pass sorts whatever is left
  let crowded = false;
  // The counts become each digit's start (running sums kept in registers).
  for (let d = 0, low = 0, high = 0; d < radix; d++) {
    const c0 = counts[d]!, c1 = counts[radix + d]!;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent, crowded only decides whether the merge pass runs (no key holds more values than its high digit); the insertion pass after it sorts the whole order
    if (c1 > INSERTION_MAX) crowded = true;
    counts[d] = low;
    low += c0;
    counts[radix + d] = high;
    high += c1;
  }
  for (let i = 0; i < n; i++) { // by the low digit, stably
    const k = key[i]!, p = counts[k & digit]!++;
    key1[p] = k;
    index1[p] = i;
  }
  for (let p = 0; p < n; p++) { // by the high digit, stably: by key, ties in index order
    const q = counts[radix + (key1[p]! >>> bits)]!++, i = index1[p]!;
    order[q] = i;
    out[q] = values[i]!;
  }
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, the merge pass is for speed: the insertion pass after it sorts the whole order
  if (crowded) {
    // Runs of one key longer than INSERTION_MAX, merge-sorted (the keys in order, in key1).
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, without the keys in order (stale ones) other ranges are merged, which is exact, and the insertion pass sorts the whole order; one more past n is never read
    for (let k = 0; k < n; k++) key1[k] = key[order[k]!]!;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, fewer runs merged (or one empty run past the end) leave the rest to the insertion pass, which sorts the whole order
    for (let start = 0; start < n; ) {
      let end = start + 1;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a shorter or longer run merged changes speed only: merging any range is exact, and the insertion pass sorts the whole order
      while (end < n && key1[end] === key1[start]) end++;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: equivalent, which runs are merge-sorted changes speed only: the insertion pass sorts the whole order, and merging any run is exact
      if (end - start > INSERTION_MAX) {
        // Stryker disable next-line CallExpression: equivalent, the merge is for speed: the insertion pass sorts the whole order
        mergeRange(values, order, scratch, start, end);
        for (let k = start; k < end; k++) out[k] = values[order[k]!]!;
      }
      start = end;
    }
  }
  // One stable insertion pass over the whole order, on the values carried along: sorted but within
  // runs of one key (a value moves only past larger values of its own key).
  let previous = out[0]!;
  for (let k = 1; k < n; k++) {
    const v = out[k]!;
    // Stryker disable next-line BlockStatement,ConditionalExpression,EqualityOperator: equivalent, without the shortcut (or with >=) a value goes through the insertion loop, which moves it past larger values only (the shortcut forced on for every value is killed, but shares the line)
    if (!(previous > v)) {
      previous = v;
      continue;
    }
    const i = order[k]!;
    let j = k - 1;
    // Stryker disable next-line ConditionalExpression: equivalent, forced true, out[−1] reads as undefined, never above v (forced false is killed)
    while (j >= 0 && out[j]! > v) {
      out[j + 1] = out[j]!;
      order[j + 1] = order[j]!;
      j--;
    }
    out[j + 1] = v;
    order[j + 1] = i;
  }
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
