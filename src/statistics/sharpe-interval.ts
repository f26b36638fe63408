import type { BootstrapSample } from './bootstrap.ts';
import { sharpeFromSums, type ReturnsMatrix } from './returns-matrix.ts';

/**
 * A confidence interval of each column's **annualised** Sharpe ratio by the stationary bootstrap
 * (Politis & Romano 1994; ./bootstrap.ts), percentile method (B. Efron and R. J. Tibshirani, An
 * Introduction to the Bootstrap, 1993, ch. 13).
 * 1. Per column: the mean x̄ and the running sums P₁(t) = Σ_{s<t}(xₛ − x̄), P₂(t) = Σ_{s<t}(xₛ − x̄)²;
 * 2. per resample: the centred sum and sum of squares over its segments are prefix-sum differences,
 *    and its Sharpe is mean/sd (sd with n − 1; no dispersion: 0) × √252 — the summary's definition;
 * 3. the interval at level L (0.90 by default) is the (1 − L)/2 and (1 + L)/2 percentiles of the B
 *    resampled Sharpes, each by linear interpolation between order statistics (Hyndman & Fan's
 *    type 7, numpy's default): h = (B − 1)·p, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), x₍ᵢ₎ the i-th smallest
 *    (0-based), found by quickselect.
 * Every column is resampled on the same days (one set of resamples for the whole sweep).
 * A column whose own Sharpe is undefined (no dispersion) gets NaN for both ends.
 */

/**
 * The k-th smallest of `values` (0-based), by quickselect (Hoare partition, median-of-three pivot),
 * reordering `values` in place; O(n) on average where a sort is O(n log n) — and V8's sort of
 * typed arrays is slow at the thousand-element size of a bootstrap distribution.
 */
export function orderStatistic(values: Float64Array, k: number): number {
  let lo = 0, hi = values.length - 1;
  // Stryker disable next-line EqualityOperator: equivalent, one more pass over a range of one value partitions nothing and returns values[k]
  while (hi > lo) {
    const a = values[lo]!, b = values[(lo + hi) >>> 1]!, c = values[hi]!;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, any of the three values is a valid pivot (the median of them only saves time)
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    // (The directive sits after `else`: a comment before `else` is attached to no node Stryker reads.)
    else /* Stryker disable next-line ConditionalExpression: equivalent, forced true when j < k < i (values[k] is in place): the range moves past k, whose value no later partition touches, and the loop ends returning it */ if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** The type-7 percentile p ∈ [0, 1] of `values` (any order; reordered in place). */
export function percentile(values: Float64Array, p: number): number {
  const h = (values.length - 1) * p, lo = Math.floor(h);
  const x = orderStatistic(values, lo);
  // Either test alone suffices (h = n − 1 is whole), and a whole h adds 0 × (a finite difference): equivalent when mutated
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator: equivalent, as above
  if (lo + 1 >= values.length || h === lo) return x;
  return x + (h - lo) * (orderStatistic(values, lo + 1) - x);
}

/**
 * Bootstrap percentile intervals of the annualised Sharpe of every column, over `sample`'s resamples.
 *
 * @example bootstrapSharpeIntervals(returns, stationaryBootstrap(252, 1000, rng)).low[0]
 */
export function bootstrapSharpeIntervals(matrix: ReturnsMatrix, sample: BootstrapSample, level = 0.9, periodsPerYear = 252): { low: Float64Array; high: Float64Array } {
  const { days: T, variants: N, values } = matrix;
  if (sample.days !== T) throw new RangeError(`the bootstrap resamples ${sample.days} days, the matrix has ${T}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level ${level}: must be between 0 and 1`);
  const { reps, offsets, segments } = sample;
  const annualise = Math.sqrt(periodsPerYear);
  const low = new Float64Array(N).fill(NaN), high = new Float64Array(N).fill(NaN);
  const p1 = new Float64Array(T + 1), p2 = new Float64Array(T + 1), resampled = new Float64Array(reps);
  // Stryker disable next-line EqualityOperator: equivalent, a column past the last reads undefined (NaN sums: no dispersion, skipped) and its writes past the ends are ignored
  for (let j = 0; j < N; j++) {
    const base = j * T;
    let s = 0;
    for (let t = 0; t < T; t++) s += values[base + t]!;
    const m = s / T; // the sums are centred on it: exact to the last digits for a column far from 0 (a cash-like variant)
    // Stryker disable next-line EqualityOperator: equivalent, one more step writes past the ends of p1 and p2, which is ignored
    for (let t = 0; t < T; t++) {
      const d = values[base + t]! - m;
      p1[t + 1] = p1[t]! + d;
      p2[t + 1] = p2[t]! + d * d;
    }
    if (!(p2[T]! > 0)) continue; // no dispersion (one day included: its deviation is x − x = 0)
    // Stryker disable next-line EqualityOperator: equivalent, a resample past the last has no segments (offsets[reps + 1] is undefined) and its write is ignored
    for (let r = 0; r < reps; r++) {
      let s1 = 0, s2 = 0;
      const from = 2 * offsets[r]!, end = 2 * offsets[r + 1]!;
      for (let g = from; g < end; g += 2) {
        const a = segments[g]!, b = segments[g + 1]!;
        s1 += p1[b]! - p1[a]!;
        s2 += p2[b]! - p2[a]!;
      }
      // Each prefix-sum difference may be off by a few ulps of the largest prefix sum, p2[T] (and S₁²/n as much).
      const noise = 4 * Number.EPSILON * p2[T]! * ((end - from) / 2 + 1);
      resampled[r] = sharpeFromSums(T, s1, s2, m, noise) * annualise;
    }
    low[j] = percentile(resampled, (1 - level) / 2);
    high[j] = percentile(resampled, (1 + level) / 2);
  }
  return { low, high };
}
