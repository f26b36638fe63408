/**
 * Daily close-to-close returns of an equity curve: r₀ = E₀ / cash − 1, rₖ = Eₖ / Eₖ₋₁ − 1.
 * The first return is measured against the starting cash, so day one's trading counts.
 */
export function dailyReturns(equity: ArrayLike<number>, startCash: number): Float64Array {
  const r = new Float64Array(equity.length);
  let prev = startCash;
  for (let k = 0; k < equity.length; k++) {
    r[k] = equity[k]! / prev - 1;
    prev = equity[k]!;
  }
  return r;
}

/** Arithmetic mean; null when empty. */
export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k]!;
  return s / values.length;
}

/**
 * Sample standard deviation (n − 1), two-pass; null with fewer than two values. Values that are all
 * the same have an sd of 0, exactly: their computed mean may be off by up to n·ε·max|x| (rounding), so
 * an sd no larger than that bound is that rounding, not dispersion — left as it was, a constant
 * return series (a book in cash earning a fixed rate) would score a Sharpe ratio of 10¹⁵.
 */
export function sampleSd(values: ArrayLike<number>): number | null {
  const n = values.length;
  const m = mean(values);
  if (m === null || n < 2) return null;
  let ss = 0, largest = 0;
  for (let k = 0; k < n; k++) {
    const x = values[k]!;
    ss += (x - m) ** 2;
    if (Math.abs(x) > largest) largest = Math.abs(x);
  }
  const sd = Math.sqrt(ss / (n - 1));
  return sd <= 2 * n * Number.EPSILON * largest ? 0 : sd;
}

/** Trading days in a year, for annualising. */
export const TRADING_DAYS = 252;
