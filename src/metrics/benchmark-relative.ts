import { mean, TRADING_DAYS } from './returns.ts';

/**
 * Statistics of a strategy's daily returns r against a benchmark's daily returns b over the same days
 * (r[k] and b[k] are the same day; both arrays have the same length). Conventions follow empyrical
 * (quantopian/empyrical 0.5.5, stats.py) where it has the statistic; where ours differ, the doc
 * comment says so. r_f is a daily risk-free rate (dailyRiskFree of the annual `--risk-free`).
 *
 * A statistic whose denominator is zero or undefined is null: fewer than two days, or a benchmark
 * (or active return) without spread. "Without spread" means Σ (x − x̄)² ≤ 10⁻²⁴ × Σ x², an sd below
 * 10⁻¹² of the values' root mean square: rounding leaves about 10⁻¹⁶ of it where the values are
 * all equal (0.03 − 0.01 and 0.04 − 0.02 differ in the last bit), and a ratio over that would be
 * noise of order 10¹⁶. (empyrical nulls a benchmark variance below 10⁻³⁰, an absolute cut.)
 */

const NO_SPREAD = 1e-24;

/** True when the sum of squared deviations `ss` is rounding beside the sum of squares `squares`. */
function noSpread(ss: number, squares: number): boolean {
  return ss <= NO_SPREAD * squares;
}

/**
 * beta = Cov(r, b) / Var(b) = Σ (b − b̄)(r − r̄) / Σ (b − b̄)² (the n's cancel, so sample or population
 * does not matter; empyrical's beta). A constant risk-free rate does not change it.
 *
 * @example beta([0.02, -0.02], [0.01, -0.01]) // 2
 */
export function beta(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = r.length;
  if (n < 2) return null;
  const mr = mean(r)!, mb = mean(b)!;
  let cov = 0, varB = 0, squares = 0;
  for (let k = 0; k < n; k++) {
    const db = b[k]! - mb;
    cov += db * (r[k]! - mr);
    varB += db * db;
    squares += b[k]! * b[k]!;
  }
  return noSpread(varB, squares) ? null : cov / varB;
}

/**
 * alpha (Jensen's, annualised) = (1 + α_d)^252 − 1, α_d = mean(r − r_f) − beta × mean(b − r_f), the daily
 * intercept. Annualised by compounding, as empyrical's alpha; quantstats' greeks report α_d × 252
 * instead (and without r_f), which is close for small α_d. `slope` is beta(r, b), when already known
 * (as empyrical's `_beta`).
 */
export function alpha(r: ArrayLike<number>, b: ArrayLike<number>, riskFree = 0, slope = beta(r, b)): number | null {
  if (slope === null) return null;
  const daily = mean(r)! - riskFree - slope * (mean(b)! - riskFree);
  return (1 + daily) ** TRADING_DAYS - 1;
}

/** Mean and sample sd (n − 1) of the active returns a = r − b; sd null with fewer than two days, 0 without spread. */
function activeStats(r: ArrayLike<number>, b: ArrayLike<number>): { mean: number; sd: number | null } | null {
  const n = r.length;
  if (n === 0) return null;
  let s = 0;
  for (let k = 0; k < n; k++) s += r[k]! - b[k]!;
  const m = s / n;
  let ss = 0, squares = 0;
  for (let k = 0; k < n; k++) {
    const a = r[k]! - b[k]!;
    ss += (a - m) ** 2;
    squares += a * a;
  }
  return { mean: m, sd: n < 2 ? null : noSpread(ss, squares) ? 0 : Math.sqrt(ss / (n - 1)) };
}

/**
 * tracking_error = sd(r − b, n − 1) × √252, annualised (empyrical's excess_sharpe uses the same sd,
 * per day). Null with fewer than two days.
 */
export function trackingError(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const a = activeStats(r, b);
  return a === null || a.sd === null ? null : a.sd * Math.sqrt(TRADING_DAYS);
}

/**
 * information_ratio = mean(r − b) / sd(r − b, n − 1) × √252, annualised. empyrical's excess_sharpe and
 * quantstats' information_ratio compute the same ratio per day (not × √252): ours = theirs × √252.
 * Null when the active return has no spread (no tracking error).
 */
export function informationRatio(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const a = activeStats(r, b);
  return a === null || !a.sd ? null : (a.mean / a.sd) * Math.sqrt(TRADING_DAYS);
}

/** correlation = Pearson's ρ = Σ (r − r̄)(b − b̄) / √(Σ (r − r̄)² Σ (b − b̄)²); null if either series has no spread. */
export function correlation(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = r.length;
  if (n < 2) return null;
  const mr = mean(r)!, mb = mean(b)!;
  let srb = 0, srr = 0, sbb = 0, squaresR = 0, squaresB = 0;
  for (let k = 0; k < n; k++) {
    const dr = r[k]! - mr, db = b[k]! - mb;
    srb += dr * db;
    srr += dr * dr;
    sbb += db * db;
    squaresR += r[k]! * r[k]!;
    squaresB += b[k]! * b[k]!;
  }
  return noSpread(srr, squaresR) || noSpread(sbb, squaresB) ? null : srb / Math.sqrt(srr * sbb);
}

/**
 * Capture ratio over the days where the benchmark moved in one direction (sign +1: b > 0; −1: b < 0;
 * days with b = 0 are in neither): the annualised compound return of the strategy on those m days over
 * the benchmark's, ((Π (1 + r))^(252/m) − 1) / ((Π (1 + b))^(252/m) − 1) — empyrical's
 * up_capture / down_capture (capture = annual_return ratio over the filtered days). Null without such
 * days, when the benchmark's growth over them is not positive, or when the strategy's is negative (a day
 * below −100 %: its annualised return is not real); a strategy's growth of 0 is an annual return of −1.
 */
function capture(r: ArrayLike<number>, b: ArrayLike<number>, sign: 1 | -1): number | null {
  let gr = 1, gb = 1, m = 0;
  for (let k = 0; k < r.length; k++) {
    const bk = b[k]!;
    if (sign > 0 ? bk > 0 : bk < 0) {
      gr *= 1 + r[k]!;
      gb *= 1 + bk;
      m++;
    }
  }
  if (m === 0 || !(gr >= 0) || !(gb > 0)) return null;
  const denominator = gb ** (TRADING_DAYS / m) - 1;
  const ratio = (gr ** (TRADING_DAYS / m) - 1) / denominator;
  return Number.isFinite(ratio) ? ratio : null;
}

/** up_capture: the capture ratio over the days the benchmark rose (b > 0); see capture. 1 tracks the benchmark. */
export function upCapture(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  return capture(r, b, 1);
}

/** down_capture: the capture ratio over the days the benchmark fell (b < 0); below 1 loses less than it. */
export function downCapture(r: ArrayLike<number>, b: ArrayLike<number>): number | null {
  return capture(r, b, -1);
}
