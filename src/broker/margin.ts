import type { Portfolio } from './portfolio.ts';

/**
 * Solvency rules of a margin account, in the manner of Reg T (initial margin 50 %: gross exposure at
 * most 2 × equity; maintenance 25 % of gross):
 * 1. leverage: target weights whose gross Σ|w| exceeds `maxLeverage` are scaled down proportionally
 *    at the fill (equity × maxLeverage is the most the book may hold);
 * 2. maintenance: a book whose equity falls below `maintenance` × gross at a close is cut back, at the
 *    next fill, to `maxLeverage` × equity, every position scaled alike;
 * 3. ruin: equity at or below 0 at a close ends the variant — everything is sold or covered at the next
 *    fill and it decides no more.
 */
export const DEFAULT_MAX_LEVERAGE = 2;
export const DEFAULT_MAINTENANCE_MARGIN = 0.25;

/** Scales `targets` in place so that Σ|w| ≤ maxLeverage; true when it had to. */
export function capLeverage(targets: Float64Array, maxLeverage: number): boolean {
  let gross = 0;
  for (let i = 0; i < targets.length; i++) gross += Math.abs(targets[i]!);
  if (!(gross > maxLeverage)) return false;
  const scale = maxLeverage / gross;
  for (let i = 0; i < targets.length; i++) targets[i]! *= scale;
  return true;
}

/** True when a marked book's equity is below the maintenance margin on its gross exposure. */
export function belowMaintenance(equity: number, gross: number, maintenance: number): boolean {
  return gross > 0 && equity < maintenance * gross;
}

/**
 * The targets that cut a book back to `maxLeverage` × equity, valued at `prices` (the last mark where a
 * symbol has none): every held position scaled by maxLeverage × E ÷ gross. Writes them into `out`
 * (zeroed first) and returns false when the book is already within the limit (or has no equity).
 */
export function cutBackTargets(portfolio: Portfolio, prices: Float64Array, marks: Float64Array, maxLeverage: number, out: Float64Array): boolean {
  const { quantity, held, heldCount } = portfolio;
  let equity = portfolio.cash, gross = 0;
  for (let k = 0; k < heldCount; k++) {
    const i = held[k]!;
    const p = Number.isFinite(prices[i]!) ? prices[i]! : marks[i]!;
    equity += quantity[i]! * p;
    gross += Math.abs(quantity[i]! * p);
  }
  if (!(equity > 0) || !(gross > maxLeverage * equity)) return false;
  const scale = (maxLeverage * equity) / gross;
  out.fill(0);
  for (let k = 0; k < heldCount; k++) {
    const i = held[k]!;
    const p = Number.isFinite(prices[i]!) ? prices[i]! : marks[i]!;
    out[i] = (quantity[i]! * p * scale) / equity;
  }
  return true;
}
