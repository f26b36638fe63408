/**
 * Ranks with ties given their average rank (1-based), as in scipy.stats.rankdata('average').
 * @example averageRanks([10, 20, 20, 5]) // [2, 3.5, 3.5, 1]
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  // A native numeric sort of the values, then each value's run of equals by binary search:
  // its average rank is the mean of the run's positions (1-based).
  const sorted = Float64Array.from(values).sort();
  const ranks = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    const first = lowerBound(sorted, v);
    const last = lowerBound(sorted, v, first, true) - 1;
    ranks[k] = (first + last) / 2 + 1;
  }
  return ranks;
}

/** First index whose value is ≥ v (or > v with `after`), searching from `from`. */
function lowerBound(sorted: Float64Array, v: number, from = 0, after = false): number {
  let lo = from, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? sorted[mid]! <= v : sorted[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Pearson correlation; null when fewer than two points or either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
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
