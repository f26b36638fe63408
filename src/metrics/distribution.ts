import { selectInPlace } from './select.ts';

/**
 * The distribution of daily returns. Skewness and kurtosis are in moments.ts (population moments;
 * kurtosis raw, normal = 3 — pandas and quantstats report excess kurtosis, ours − 3).
 *
 * VaR and CVaR are historical (the returns themselves, no fitted distribution) and daily, returned
 * as returns (a loss is negative: −0.02 is a 2 % loss), as empyrical's value_at_risk and
 * conditional_value_at_risk. quantstats' value_at_risk is parametric (a normal quantile), not this.
 */

/**
 * var_95 = the 5th percentile of the daily returns, interpolated linearly between order statistics
 * (numpy.percentile's default, as empyrical's value_at_risk(r, cutoff = 0.05)): with x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎
 * the sorted returns, h = (n − 1) × p, j = ⌊h⌋: VaR = x₍ⱼ₎ + (h − j) × (x₍ⱼ₊₁₎ − x₍ⱼ₎), 0 ≤ p ≤ 1 (p = 1: the
 * best day). Null when empty.
 *
 * @example valueAtRisk([−0.05, −0.02, 0, 0.01, 0.03]) // h = 0.2: −0.05 + 0.2 × 0.03 = −0.044
 */
export function valueAtRisk(returns: ArrayLike<number>, p = 0.05): number | null {
  const n = returns.length;
  if (n === 0) return null;
  const a = Float64Array.from(returns);
  const h = (n - 1) * p;
  const j = Math.floor(h);
  const lower = selectInPlace(a, j);
  // h a whole index: x₍ⱼ₎ itself. That includes j = n − 1 (nothing above it to interpolate to), which
  // 0 ≤ p ≤ 1 reaches only as p = 1 (h = n − 1 exactly) or with one return (h = 0).
  if (h === j) return lower;
  // After selection every value past j is ≥ x₍ⱼ₎; the smallest of them is x₍ⱼ₊₁₎.
  let upper = Infinity;
  // Stryker disable next-line EqualityOperator: equivalent for <= both times: a[n] is past the end (undefined, never below), and an equal value is the same upper
  for (let k = j + 1; k < n; k++) if (a[k]! < upper) upper = a[k]!;
  return lower + (h - j) * (upper - lower);
}

/**
 * cvar_95 = the mean of the c + 1 lowest daily returns, c = ⌊(n − 1) × p⌋ (empyrical's
 * conditional_value_at_risk(r, cutoff = 0.05), which includes the return at the cutoff index).
 * With 252 days: c = 12, the mean of the 13 worst days. Always ≤ var_95. Null when empty.
 */
export function conditionalValueAtRisk(returns: ArrayLike<number>, p = 0.05): number | null {
  const n = returns.length;
  if (n === 0) return null;
  const a = Float64Array.from(returns);
  const c = Math.floor((n - 1) * p);
  selectInPlace(a, c);
  let s = 0;
  for (let k = 0; k <= c; k++) s += a[k]!;
  return s / (c + 1);
}

/** best_day = the largest daily return; null when empty. */
export function bestDay(returns: ArrayLike<number>): number | null {
  if (returns.length === 0) return null;
  let best = -Infinity;
  // Stryker disable next-line EqualityOperator: equivalent for <= both times: one step past the end reads undefined (never above), and an equal return is the same best (a return is never −0: E / E₋₁ − 1 gives +0)
  for (let k = 0; k < returns.length; k++) if (returns[k]! > best) best = returns[k]!;
  return best;
}

/** worst_day = the smallest daily return (negative on a losing day); null when empty. */
export function worstDay(returns: ArrayLike<number>): number | null {
  if (returns.length === 0) return null;
  let worst = Infinity;
  // Stryker disable next-line EqualityOperator: equivalent for <= both times: one step past the end reads undefined (never below), and an equal return is the same worst (a return is never −0)
  for (let k = 0; k < returns.length; k++) if (returns[k]! < worst) worst = returns[k]!;
  return worst;
}

/**
 * positive_days = the share of days with a return > 0, over all days: a flat day (return exactly 0)
 * counts in the denominator but not as positive. quantstats' win_rate leaves flat days out of the
 * denominator instead. Null when empty.
 */
export function positiveDays(returns: ArrayLike<number>): number | null {
  const n = returns.length;
  if (n === 0) return null;
  let up = 0;
  // Stryker disable next-line EqualityOperator: equivalent for k <= n: one step past the end reads undefined, which is not > 0
  for (let k = 0; k < n; k++) {
    if (returns[k]! > 0) up++;
  }
  return up / n;
}
