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
