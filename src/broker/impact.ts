/**
 * Market impact: what a fill of X shares costs beyond the quoted price, as a fraction of the price,
 * from the stock's daily volatility σ and average daily volume V (broker/market-stats.ts). Impact
 * moves this fill's price only: the data's later prices are what they are (a backtest cannot move
 * them), so the permanent part is charged as the paper's realised cost, not carried forward.
 *
 * - `sqrt` (the square-root law; e.g. Grinold & Kahn, Tóth et al. 2011): m = k × σ × √(X / V).
 * - `almgren` (Almgren, Thum, Hauptmann & Li 2005, "Direct Estimation of Equity Market Impact",
 *   Risk 18(7)): permanent I = γ σ (X/V) (Θ/V)^¼, temporary h = η σ |X / (V T)|^⅗, realised cost per
 *   share m = I/2 + h, with γ = 0.314, η = 0.142, Θ the shares outstanding and T the fraction of a
 *   day the order is worked. Without Θ the (Θ/V)^¼ term is taken as 1.
 */
export type ImpactModel = 'none' | 'sqrt' | 'almgren';
export const IMPACT_MODELS: readonly ImpactModel[] = ['none', 'sqrt', 'almgren'];

/** The paper's fitted constants (Almgren et al. 2005). */
export const ALMGREN_GAMMA = 0.314;
export const ALMGREN_ETA = 0.142;

/** k σ √(X/V), a fraction of the price. */
export function sqrtImpact(k: number, sigma: number, shares: number, adv: number): number {
  return k * sigma * Math.sqrt(Math.abs(shares) / adv);
}

/** Almgren et al.'s permanent impact I = γ σ (X/V) (Θ/V)^¼; `turnoverTerm` is (Θ/V)^¼ (1 without Θ). */
export function almgrenPermanent(sigma: number, shares: number, adv: number, turnoverTerm: number): number {
  return ALMGREN_GAMMA * sigma * (Math.abs(shares) / adv) * turnoverTerm;
}

/** Almgren et al.'s temporary impact h = η σ |X / (V T)|^⅗, T the fraction of a day the order is worked. */
export function almgrenTemporary(sigma: number, shares: number, adv: number, horizon: number): number {
  return ALMGREN_ETA * sigma * Math.pow(Math.abs(shares) / (adv * horizon), 0.6);
}

/** Almgren et al.'s realised cost per share, I/2 + h, a fraction of the price. */
export function almgrenImpact(sigma: number, shares: number, adv: number, horizon: number, turnoverTerm: number): number {
  return almgrenPermanent(sigma, shares, adv, turnoverTerm) / 2 + almgrenTemporary(sigma, shares, adv, horizon);
}

/** (Θ/V)^¼ from shares outstanding Θ and average daily volume V; 1 when Θ is unknown. */
export function turnoverTerm(sharesOutstanding: number, adv: number): number {
  return sharesOutstanding > 0 && adv > 0 ? Math.sqrt(Math.sqrt(sharesOutstanding / adv)) : 1;
}
