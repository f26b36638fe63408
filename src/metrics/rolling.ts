import { TRADING_DAYS } from './returns.ts';

/**
 * Rolling statistics over a trailing window of w trading days (default 63, about a quarter), in O(n).
 *
 * 1. Fill the first window with Welford's running mean and sum of squared deviations
 *    (and, for beta, of co-deviations).
 * 2. Slide: each day adds the new value and drops the one w days back with the sliding
 *    Welford update (below) — centred terms only, so no Σx² − (Σx)²/w cancellation and no re-summing.
 * 3. A window whose values are all equal (a trailing run of ≥ w equal values, counted as we go)
 *    is set exactly: mean = that value, deviations 0 — rounding would otherwise leave ~1e−20 and a
 *    meaningless ratio; resetting there also clears the accumulated rounding.
 *
 * Sliding update, the value x_out leaving and x_in entering, d = x_in − x_out:
 *   mean' = mean + d / w;   M₂' = M₂ + d × ((x_in − mean') + (x_out − mean));
 *   C' = C + (x_in − mean_x)(y_in − mean'_y) − (x_out − mean_x)(y_out − mean'_y).
 *
 * Output: a Float64Array as long as the input, value k covering days k − w + 1 … k (pandas'
 * rolling(w), as pyfolio's rolling charts). NaN — written as empty — until the window is full
 * (the first w − 1 days) and wherever the ratio is undefined (a window with no dispersion).
 */

/** A window sliding over `values`: its mean and M₂ = Σ (x − mean)², with exact handling of constant windows. */
class Window {
  count = 0;
  mean = 0;
  m2 = 0;
  /** The run of equal values ending at the last one pushed (NaN before the first: equal to nothing). */
  private run = 0;
  private last = NaN;
  private readonly values: ArrayLike<number>;
  private readonly w: number;

  constructor(values: ArrayLike<number>, w: number) {
    this.values = values;
    this.w = w;
  }

  /** Adds values[k] (dropping values[k − w] once the window is full) and returns whether the window is constant. */
  push(k: number): boolean {
    const x = this.values[k]!;
    this.run = x === this.last ? this.run + 1 : 1;
    this.last = x;
    if (this.count < this.w) {
      this.count++;
      const d = x - this.mean;
      this.mean += d / this.count;
      this.m2 += d * (x - this.mean);
    } else {
      const out = this.values[k - this.w]!;
      const d = x - out;
      const before = this.mean;
      this.mean += d / this.w;
      this.m2 += d * (x - this.mean + (out - before));
    }
    if (this.run >= this.count) {
      this.mean = x;
      this.m2 = 0;
      return true;
    }
    // Stryker disable next-line EqualityOperator: equivalent for <=: M₂ is never −0 (it starts at +0, and a sum is −0 only of two −0), so setting 0 to 0 changes nothing
    if (this.m2 < 0) this.m2 = 0; // rounding can leave a tiny negative M₂ where the values differ only in their last bits
    return false;
  }

  get full(): boolean {
    return this.count === this.w;
  }
}

function checkWindow(w: number): void {
  if (!Number.isInteger(w) || w < 2) throw new RangeError(`rolling window must be an integer ≥ 2, got ${w}`);
}

/** rolling volatility = sd(window, n − 1) × √252 (pyfolio's rolling_volatility); 0 for a constant window. */
export function rollingVolatility(returns: ArrayLike<number>, w = 63): Float64Array {
  checkWindow(w);
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  const win = new Window(returns, w);
  const annualise = Math.sqrt(TRADING_DAYS);
  // Stryker disable next-line EqualityOperator: equivalent for k <= n: out[n] is past the end, and typed arrays ignore the write
  for (let k = 0; k < n; k++) {
    win.push(k);
    if (win.full) out[k] = Math.sqrt(win.m2 / (w - 1)) * annualise;
  }
  return out;
}

/**
 * rolling Sharpe = (mean(window) − r_f) / sd(window, n − 1) × √252 (pyfolio's rolling_sharpe, with the
 * daily risk-free rate r_f subtracted as in sharpe); NaN for a constant window (no sd).
 */
export function rollingSharpe(returns: ArrayLike<number>, w = 63, riskFree = 0): Float64Array {
  checkWindow(w);
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  const win = new Window(returns, w);
  const annualise = Math.sqrt(TRADING_DAYS);
  // Stryker disable next-line EqualityOperator: equivalent for k <= n: out[n] is past the end, and typed arrays ignore the write
  for (let k = 0; k < n; k++) {
    const constant = win.push(k);
    if (win.full && !constant && win.m2 > 0) out[k] = ((win.mean - riskFree) / Math.sqrt(win.m2 / (w - 1))) * annualise;
  }
  return out;
}

/**
 * rolling beta = Cov(r, b) / Var(b) over the window (as beta in benchmark-relative.ts);
 * NaN where the benchmark is constant over the window.
 */
export function rollingBeta(returns: ArrayLike<number>, benchmark: ArrayLike<number>, w = 63): Float64Array {
  checkWindow(w);
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  const wb = new Window(benchmark, w);
  let meanR = 0, cov = 0, count = 0;
  // Stryker disable next-line EqualityOperator: equivalent for k <= n: out[n] is past the end, and typed arrays ignore the write
  for (let k = 0; k < n; k++) {
    const r = returns[k]!, b = benchmark[k]!;
    const constant = wb.push(k);
    // The co-moment C = Σ (r − r̄)(b − b̄), with the strategy's own running mean r̄.
    if (count < w) {
      count++;
      const dr = r - meanR;
      meanR += dr / count;
      cov += dr * (b - wb.mean);
    } else {
      const rOut = returns[k - w]!, bOut = benchmark[k - w]!;
      const before = meanR;
      meanR += (r - rOut) / w;
      cov += (r - before) * (b - wb.mean) - (rOut - before) * (bOut - wb.mean);
    }
    if (constant) cov = 0; // b − b̄ is exactly 0 on every day of the window
    if (count === w && !constant && wb.m2 > 0) out[k] = cov / wb.m2;
  }
  return out;
}
