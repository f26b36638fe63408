/**
 * Ranking for rank correlations, on typed arrays.
 * 1. argsort of finite values: a bucket sort — bucket b = ⌊(x − min) · n / (max − min)⌋ (n buckets, a
 *    monotone map: x ≤ y gives b(x) ≤ b(y), and equal values share a bucket), a counting pass, a stable
 *    scatter by index, then each bucket sorted by value, ties in index order: the merge sort below
 *    for a crowded bucket, then one insertion pass over the whole order for the others (a value
 *    never moves past its bucket's start). O(n) for values spread like returns and signals, never
 *    worse than the merge sort. The same order as any stable sort by value.
 * 2. argsort of values with a NaN or an infinity (or a degenerate range): a stable bottom-up merge
 *    sort of indices by value (ties keep index order).
 * 3. ranks: each run of equal values gets the average of its positions (1-based), as
 *    scipy.stats.rankdata('average');
 * 4. Spearman = Pearson correlation of the ranks.
 */

/** A bucket holding more than this many values is merge-sorted before the insertion pass. */
const INSERTION_MAX = 32;

// Bucket bounds, reused from call to call (each worker thread has its own module).
let bounds = new Int32Array(0);

/** Indices 0 … n−1 of `values` in ascending order, ties by index; `order` and `scratch` hold n each. */
export function argsort(values: ArrayLike<number>, n: number, order: Int32Array, scratch: Int32Array): Int32Array {
  // Stryker disable next-line BlockStatement: equivalent, a shortcut: without it n = 1 and n = 0 reach the merge sort (a degenerate range), which gives [0] and writes nothing
  if (n < 2) {
    if (n === 1) order[0] = 0;
    return order;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent, the first value's finiteness only picks the path: a non-finite first value gives the merge sort (NaN: min = max = NaN) or a scale of 0 (±∞ first, finite others: one bucket, sorted by the merge and insertion passes)
  let min = values[0]!, max = min, finite = min - min === 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,UpdateOperator,BlockStatement: equivalent, a scan that stops early, never runs, or runs past n ends in min = max or a non-finite value (the merge sort), or a wider [min, max] (buckets still monotone, capped at n − 1)
  for (let i = 1; finite && i < n; i++) {
    const x = values[i]!;
    // Stryker disable next-line ArithmeticOperator: equivalent, x + x !== 0 marks every non-zero value non-finite (the merge sort) and keeps 0 and NaN as before
    if (x - x !== 0) finite = false;
    // (The directive of the next line sits after `else`: a comment before `else` is attached to no node Stryker reads.)
    else /* Stryker disable next-line EqualityOperator: equivalent, <= sets min to the same value; with >= min only grows and max only takes values below it, so max ≤ min and the merge sort runs */ if (x < min) min = x;
    else if (x > max) max = x;
  }
  const scale = n / (max - min);
  if (!finite) return mergeArgsort(values, n, order, scratch);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BooleanLiteral: equivalent, the range test only picks the path: a degenerate range is caught by either test (max = min gives scale = ∞), a subnormal one (scale = ∞) put through the buckets lands in bucket 0 whole ((x − min)·∞ | 0 is 0), sorted by the merge and insertion passes, and any other range sorts the same by the merge sort
  if (!(max > min) || !(scale < Infinity)) return mergeArgsort(values, n, order, scratch);
  if (bounds.length < n + 1) bounds = new Int32Array(n + 1);
  const bucket = scratch; // the bucket of each index, until the buckets are sorted
  bounds.fill(0, 0, n + 1);
  for (let i = 0; i < n; i++) {
    // Stryker disable next-line MethodExpression: equivalent, Math.max puts every value in bucket n − 1 or n (the max): one bucket, sorted by the merge and insertion passes, the max placed last
    const b = Math.min(n - 1, ((values[i]! - min) * scale) | 0);
    bucket[i] = b;
    bounds[b + 1]!++;
  }
  // Stryker disable next-line BooleanLiteral: equivalent, crowded only decides whether the merge pass runs; it merges only buckets over INSERTION_MAX, and the insertion pass sorts whatever is left
  let crowded = false;
  for (let b = 0; b < n; b++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BooleanLiteral: equivalent, crowded only decides whether the merge pass runs; the insertion pass after it sorts the whole order
    if (bounds[b + 1]! > INSERTION_MAX) crowded = true;
    bounds[b + 1]! += bounds[b]!;
  }
  for (let i = 0; i < n; i++) order[bounds[bucket[i]!]!++] = i; // bounds[b] ends up at bucket b's end
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, the merge pass is for speed: the insertion pass after it sorts the whole order
  if (crowded) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: equivalent, fewer bucket merges (or one empty range past the last bucket) leave the rest to the insertion pass, which sorts the whole order
    for (let b = 0, start = 0; b < n; b++) {
      const end = bounds[b]!;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,CallExpression: equivalent, which buckets are merge-sorted changes speed only: the insertion pass sorts the whole order, and merging any bucket is exact
      if (end - start > INSERTION_MAX) mergeRange(values, order, scratch, start, end);
      start = end;
    }
  }
  // One stable insertion pass over the whole order, which is sorted but within the small buckets:
  // a value never moves past its bucket's start (values of lower buckets are smaller). For speed
  // (issue 21): no loop over the buckets and its unpredictable bucket sizes; ~10 % quicker on the
  // bench's 500-value rows (8.6 µs instead of 9.4 µs a sort).
  let previous = values[order[0]!]!;
  for (let k = 1; k < n; k++) {
    const i = order[k]!, v = values[i]!;
    // Stryker disable next-line BlockStatement: equivalent, without the shortcut every value goes through the insertion loop, which moves it past larger values only
    if (!(previous > v)) {
      previous = v;
      continue;
    }
    let j = k - 1;
    while (j >= 0 && values[order[j]!]! > v) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = i;
  }
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
  // Stryker disable next-line ArithmeticOperator: equivalent, hi + lo ≥ hi − lo: extra passes whose single run is copied unchanged
  for (let width = 1; width < hi - lo; width *= 2) {
    for (let from = lo; from < hi; from += 2 * width) {
      const mid = Math.min(from + width, hi), to = Math.min(from + 2 * width, hi);
      let a = from, b = mid, k = from;
      while (a < mid && b < to) dst[k++] = values[src[b]!]! < values[src[a]!]! ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      while (b < to) dst[k++] = src[b++]!;
    }
    const swap = src; src = dst; dst = swap;
  }
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
