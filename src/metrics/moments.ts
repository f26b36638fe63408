import { mean } from './returns.ts';

/**
 * Higher moments of a series, with the conventions the statistics of this engine use everywhere
 * (summary.csv's `skewness` and `kurtosis`, and inside PSR, DSR and MinTRL):
 * - central moments mₖ = (1/n) Σ (x − x̄)ᵏ (population, biased: n, not n − 1);
 * - skewness γ₃ = m₃ / m₂^{3/2} (Fisher–Pearson, as scipy.stats.skew with bias=True);
 * - kurtosis γ₄ = m₄ / m₂² — raw, **not excess**: a normal distribution has γ₄ = 3 (as
 *   scipy.stats.kurtosis with fisher=False, bias=True; pandas and quantstats report excess, γ₄ − 3).
 * Both are null with fewer than two values or a constant series (m₂ = 0).
 *
 * @example skewness([1, 2, 3, 10]) // m₂ = 12.5, m₃ = 56.25 → 56.25 / 12.5^1.5 ≈ 1.2728
 */
export interface Moments {
  readonly mean: number;
  /** m₂, m₃, m₄: central moments (divided by n). */
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
  readonly count: number;
}

/** Mean and central moments m₂, m₃, m₄ in two passes; null when empty. */
export function centralMoments(values: ArrayLike<number>): Moments | null {
  const n = values.length;
  const m = mean(values);
  if (m === null) return null;
  let s2 = 0, s3 = 0, s4 = 0;
  for (let k = 0; k < n; k++) {
    const d = values[k]! - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { mean: m, m2: s2 / n, m3: s3 / n, m4: s4 / n, count: n };
}

/** γ₃ = m₃ / m₂^{3/2} (population); null with fewer than two values or no dispersion. */
export function skewness(values: ArrayLike<number>): number | null {
  const c = centralMoments(values);
  return c && c.count > 1 && c.m2 > 0 ? c.m3 / c.m2 ** 1.5 : null;
}

/** γ₄ = m₄ / m₂² (raw kurtosis: normal = 3; population); null with fewer than two values or no dispersion. */
export function kurtosis(values: ArrayLike<number>): number | null {
  const c = centralMoments(values);
  return c && c.count > 1 && c.m2 > 0 ? c.m4 / (c.m2 * c.m2) : null;
}
