/**
 * The market statistics the liquidity and impact models read, computed causally: over the `days`
 * trading days before the fill day, bars t − days … t − 1 — never the fill day itself, with open and
 * close fills alike (with close fills the decision close is the fill day, so it is left out too).
 * Missing values are skipped; the panel is time-major (`x[t * n + i]`).
 */

/** ADV: the mean of the volumes given over bars t − days … t − 1; NaN when none is given. */
export function averageVolume(volume: Float64Array, n: number, i: number, t: number, days: number): number {
  let sum = 0, count = 0;
  for (let b = Math.max(0, t - days); b < t; b++) {
    const v = volume[b * n + i]!;
    if (v === v) { sum += v; count++; }
  }
  return count ? sum / count : NaN;
}

/**
 * σ: the sample standard deviation (n − 1) of the daily returns r_τ = c_τ / c_(τ−1) − 1 for
 * τ = t − days … t − 1 (each needs both closes); NaN with fewer than 2 returns.
 */
export function dailyVolatility(close: Float64Array, n: number, i: number, t: number, days: number): number {
  let count = 0, mean = 0, m2 = 0;
  for (let b = Math.max(1, t - days); b < t; b++) {
    const c0 = close[(b - 1) * n + i]!, c1 = close[b * n + i]!;
    if (!(c0 === c0 && c1 === c1)) continue;
    const r = c1 / c0 - 1;
    count++;
    const d = r - mean; // Welford: one pass, no cancellation
    mean += d / count;
    m2 += d * (r - mean);
  }
  return count >= 2 ? Math.sqrt(m2 / (count - 1)) : NaN;
}

/**
 * ADV and σ as `averageVolume` and `dailyVolatility` define them, for the columns a run trades, kept
 * as running sums per column: a column asked for on consecutive bars slides its window by one bar
 * (adds bar t − 1, drops bar t − 1 − days: O(1), two rows read instead of 2 × days strided ones);
 * otherwise its window is summed afresh (O(days)). σ = √((Q − S²/k) / (k − 1)) from the sum S and the
 * sum of squares Q of the window's k returns (returns of a few percent: no cancellation to fear).
 */
export class WindowStats {
  /** The last bar's values per column, after `at`. */
  readonly adv: Float64Array;
  readonly sigma: Float64Array;
  private readonly close: Float64Array;
  private readonly volume: Float64Array;
  private readonly n: number;
  private readonly days: number;
  private readonly bar: Int32Array;
  private readonly vSum: Float64Array;
  private readonly vCount: Int32Array;
  private readonly rSum: Float64Array;
  private readonly rSq: Float64Array;
  private readonly rCount: Int32Array;

  constructor(close: Float64Array, volume: Float64Array, n: number, days: number) {
    this.close = close;
    this.volume = volume;
    this.n = n;
    this.days = days;
    this.adv = new Float64Array(n);
    this.sigma = new Float64Array(n);
    this.bar = new Int32Array(n).fill(-2);
    this.vSum = new Float64Array(n);
    this.vCount = new Int32Array(n);
    this.rSum = new Float64Array(n);
    this.rSq = new Float64Array(n);
    this.rCount = new Int32Array(n);
  }

  /** Sets `adv[i]` and `sigma[i]` to column i's values for bar t (the days t − days … t − 1). */
  at(i: number, t: number): void {
    const last = this.bar[i]!;
    if (last === t) return;
    // Stryker disable next-line ArithmeticOperator: equivalent, bars come in increasing order (the simulation's), so `t + 1` never matches and every window is summed afresh, to the same values (to rounding; test/broker/costs.test.ts checks both paths against the definitions)
    if (last === t - 1) {
      this.add(i, t - 1, 1);
      if (t - 1 - this.days >= 0) this.add(i, t - 1 - this.days, -1);
      if (this.vCount[i] === 0) this.vSum[i] = 0; // an empty window sums to exactly 0 again
      if (this.rCount[i] === 0) { this.rSum[i] = 0; this.rSq[i] = 0; }
    } else {
      this.vSum[i] = 0; this.vCount[i] = 0; this.rSum[i] = 0; this.rSq[i] = 0; this.rCount[i] = 0;
      for (let b = Math.max(0, t - this.days); b < t; b++) this.add(i, b, 1);
    }
    this.bar[i] = t;
    const k = this.rCount[i]!, s = this.rSum[i]!;
    this.adv[i] = this.vCount[i] ? this.vSum[i]! / this.vCount[i]! : NaN;
    this.sigma[i] = k >= 2 ? Math.sqrt(Math.max(0, (this.rSq[i]! - (s * s) / k) / (k - 1))) : NaN;
  }

  /** Adds (sign 1) or removes (−1) bar b's volume and return r_b = c_b / c_(b−1) − 1. */
  private add(i: number, b: number, sign: number): void {
    const { n } = this;
    const v = this.volume[b * n + i]!;
    if (v === v) { this.vSum[i] += sign * v; this.vCount[i] += sign; }
    if (b < 1) return;
    const c0 = this.close[(b - 1) * n + i]!, c1 = this.close[b * n + i]!;
    if (!(c0 === c0 && c1 === c1)) return;
    const r = c1 / c0 - 1;
    // Stryker disable next-line AssignmentOperator: equivalent, a sum kept negated throughout (adds and drops alike) has the same square, the only way σ reads it
    this.rSum[i] += sign * r;
    this.rSq[i] += sign * r * r;
    this.rCount[i] += sign;
  }
}
