/** Daily marks of one run over the trading days of its range (one slot per day). */
export interface EquityCurve {
  /** Equity = cash + net market value, at each close. */
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  /** Σ |shares × close| and Σ shares × close. */
  readonly gross: Float64Array;
  readonly net: Float64Array;
  /** Σ shares × close over long positions (≥ 0) and over short ones (≤ 0): net = long + short. */
  readonly long: Float64Array;
  readonly short: Float64Array;
  /** Symbols held. */
  readonly positions: Float64Array;
}

export function allocateCurve(days: number): EquityCurve {
  return {
    equity: new Float64Array(days),
    cash: new Float64Array(days),
    gross: new Float64Array(days),
    net: new Float64Array(days),
    long: new Float64Array(days),
    short: new Float64Array(days),
    positions: new Float64Array(days),
  };
}
