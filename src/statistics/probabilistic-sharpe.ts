import { normalCdf, normalQuantile } from './normal.ts';

/**
 * The Probabilistic Sharpe Ratio and the minimum track record length — D. H. Bailey and
 * M. López de Prado, "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2) (2012) 3–44.
 *
 * Conventions, everywhere in this module:
 * - SR̂ is the Sharpe ratio **per period** (daily: mean / sd of daily returns, sd with n − 1, the
 *   summary's `sharpe` ÷ √252), never annualised; SR* (the benchmark Sharpe) likewise;
 * - γ₃ is the skewness and γ₄ the **kurtosis, not excess** (a normal distribution has γ₄ = 3), both
 *   the population estimators of src/metrics/moments.ts;
 * - T is the number of returns.
 *
 * The estimate SR̂ is asymptotically normal with variance (1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)/(T − 1)
 * (Mertens 2002, as the paper uses it), from which:
 * 1. σ̂(SR̂) = √((1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²) / (T − 1));
 * 2. PSR(SR*) = Φ((SR̂ − SR*) / σ̂(SR̂)): the probability that the true Sharpe exceeds SR*;
 * 3. MinTRL = 1 + (1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)·(Φ⁻¹(1 − α)/(SR̂ − SR*))²: the number of returns
 *    needed for PSR(SR*) to reach 1 − α at the observed moments.
 */

/** The variance factor 1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂² (per-period SR̂, raw kurtosis γ₄); ≥ 0 for any distribution. */
export function sharpeVarianceFactor(sharpe: number, skewness: number, kurtosis: number): number {
  return 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
}

/**
 * σ̂(SR̂) = √((1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)/(T − 1)), per period; null with T < 2 or a
 * non-positive variance factor (a degenerate two-point distribution).
 *
 * @example sharpeStandardError(2.5 / Math.sqrt(250), 1250, -3, 10) // ≈ 0.035006 (the DSR paper's example)
 */
export function sharpeStandardError(sharpe: number, observations: number, skewness: number, kurtosis: number): number | null {
  const factor = sharpeVarianceFactor(sharpe, skewness, kurtosis);
  if (!(observations >= 2) || !(factor > 0)) return null;
  return Math.sqrt(factor / (observations - 1));
}

/**
 * PSR(SR*) = Φ((SR̂ − SR*)·√(T − 1)/√(1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)), SR̂ and SR* per period,
 * γ₄ raw kurtosis (normal = 3); null when σ̂(SR̂) is undefined.
 *
 * @example probabilisticSharpe(2.5 / Math.sqrt(250), 0, 1250, -3, 10) // ≈ 0.999997
 */
export function probabilisticSharpe(sharpe: number, benchmark: number, observations: number, skewness: number, kurtosis: number): number | null {
  const se = sharpeStandardError(sharpe, observations, skewness, kurtosis);
  return se === null ? null : normalCdf((sharpe - benchmark) / se);
}

/**
 * MinTRL = 1 + (1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)·(Φ⁻¹(1 − α)/(SR̂ − SR*))² returns (a real number;
 * round up for a count), SR̂ and SR* per period, γ₄ raw kurtosis; null when SR̂ ≤ SR* (no track
 * record of these moments would show it) or the variance factor is not positive.
 *
 * @example minTrackRecordLength(2.5 / Math.sqrt(250), 0.1132, -3, 10, 0.05) // ≈ 2,051
 */
export function minTrackRecordLength(sharpe: number, benchmark: number, skewness: number, kurtosis: number, alpha = 0.05): number | null {
  const factor = sharpeVarianceFactor(sharpe, skewness, kurtosis);
  if (!(sharpe > benchmark) || !(factor > 0)) return null;
  const z = normalQuantile(1 - alpha) / (sharpe - benchmark);
  return 1 + factor * z * z;
}
