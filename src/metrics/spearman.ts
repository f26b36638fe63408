/**
 * Ranking for rank correlations, on typed arrays.
 * 1. argsort: a stable bottom-up merge sort of indices by value (ties keep index order), written out
 *    because V8's TypedArray#sort is slow on the short rows we sort by the thousand;
 * 2. ranks: each run of equal values gets the average of its positions (1-based), as
 *    scipy.stats.rankdata('average');
 * 3. Spearman = Pearson correlation of the ranks.
 */

/** Indices 0 … n−1 of `values` in ascending order, ties by index; `order` and `scratch` hold n each. */
export function argsort(values: ArrayLike<number>, n: number, order: Int32Array, scratch: Int32Array): Int32Array {
  for (let k = 0; k < n; k++) order[k] = k;
  let src = order, dst = scratch;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
      let a = lo, b = mid, k = lo;
      while (a < mid && b < hi) dst[k++] = values[src[b]!]! < values[src[a]!]! ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      while (b < hi) dst[k++] = src[b++]!;
    }
    const swap = src; src = dst; dst = swap;
  }
  if (src !== order) order.set(src.subarray(0, n));
  return order;
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
