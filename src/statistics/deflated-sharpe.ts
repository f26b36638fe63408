import { normalQuantile } from './normal.ts';

/**
 * The expected maximum Sharpe ratio of N skill-less trials, and what follows from it:
 * - the Deflated Sharpe Ratio's benchmark SR₀ — D. H. Bailey and M. López de Prado, "The Deflated
 *   Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of
 *   Portfolio Management 40(5) (2014) 94–107; DSR = PSR(SR₀) (./probabilistic-sharpe.ts);
 * - the minimum backtest length — D. H. Bailey, J. M. Borwein, M. López de Prado and Q. J. Zhu,
 *   "Pseudo-Mathematics and Financial Charlatanism", Notices of the AMS 61(5) (2014) 458–471.
 *
 * 1. E[max of N standard normals] ≈ e(N) = (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)),
 *    γ = 0.5772156649… (Euler–Mascheroni), e = 2.71828…; N may be fractional (an effective count).
 *    The approximation is for large N and turns negative below N ≈ 1.284, where the true expected
 *    maximum of N ≥ 1 zero-mean normals is ≥ 0: e(N) is floored at 0 (so N = 1 gives 0).
 * 2. SR₀ = √V[SR]·e(N): V[SR] the variance of the trials' Sharpe ratios, **per period** (daily, not
 *    annualised), so SR₀ is per period too.
 * 3. MinBTL = (e(N)/SR)² years, SR an **annualised** Sharpe: the backtest length below which the best
 *    of N independent skill-less trials (unit annualised variance of their Sharpe estimates) is
 *    expected to show an annualised Sharpe of SR or more.
 */

/** The Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * e(N) = (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)), floored at 0 (N ≤ 1.284 gives 0); NaN for N not a number.
 *
 * @example expectedMaxStandardNormal(100) // ≈ 2.5306
 */
export function expectedMaxStandardNormal(trials: number): number {
  // Stryker disable next-line ConditionalExpression: equivalent, NaN falls through to Math.max(0, Φ⁻¹(NaN)) = NaN
  if (Number.isNaN(trials)) return NaN;
  // Stryker disable next-line EqualityOperator: equivalent, N = 1 gives Φ⁻¹(0) = −∞ and the floor turns it into 0
  if (trials <= 1) return 0;
  const e = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return Math.max(0, e);
}

/**
 * SR₀ = √V[SR]·e(N), per period (V[SR] the per-period variance of the trials' Sharpe ratios);
 * 0 for one trial. The DSR is PSR(SR₀).
 *
 * @example deflatedSharpeThreshold(0.5 / 250, 100) // ≈ 0.1132 per day (the DSR paper's example)
 */
export function deflatedSharpeThreshold(sharpeVariance: number, trials: number): number {
  if (trials <= 1) return 0;
  return Math.sqrt(sharpeVariance) * expectedMaxStandardNormal(trials);
}

/**
 * MinBTL = (e(N)/SR)² in years, SR an annualised Sharpe > 0; null otherwise (no length makes a
 * Sharpe ≤ 0 stand out). 0 for one trial.
 *
 * @example minBacktestYears(45, 1) // ≈ 5.0
 */
export function minBacktestYears(trials: number, annualSharpe: number): number | null {
  if (!(annualSharpe > 0)) return null;
  const e = expectedMaxStandardNormal(trials);
  return (e / annualSharpe) ** 2;
}
