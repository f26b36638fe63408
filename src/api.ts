/**
 * The strategy API: everything a strategy module sees, and nothing of the engine.
 *
 * A strategy is a plain object: a name, typed parameters with defaults, a warm-up
 * length, optional cross-sectional factors, and a decision function called after a
 * close that returns target weights (or nothing, to keep the current holdings).
 *
 * @example
 * import { defineStrategy } from 'vopa-backtest';
 * export default defineStrategy({
 *   name: 'all-in-first',
 *   description: 'Puts everything into the first symbol of the universe.',
 *   params: {},
 *   warmup: () => 0,
 *   decide(bar) {
 *     if (bar.decision > 0) return;        // keep what we hold
 *     const w = bar.weights();             // zeroed, one slot per symbol
 *     w[0] = 1;
 *     return w;
 *   },
 * });
 *
 * No look-ahead by construction: a `Bar` (and the `History` a factor steps over)
 * answers only for bars at or before its decision close; a lag is never negative.
 */

export type * from './strategy/types.ts';
import type { ParamSpecs, Strategy } from './strategy/types.ts';

/** Identity, for type inference: `export default defineStrategy({ … })`. */
export function defineStrategy<const S extends ParamSpecs>(strategy: Strategy<S>): Strategy<S> {
  return strategy;
}

// ---------------------------------------------------------------- helpers for strategies

export { topK, bottomK } from './factors/select.ts';
export { rollingMean } from './factors/rolling.ts';
export { crossing } from './factors/crossing.ts';
export { rateOfChange } from './factors/rate-of-change.ts';
export { riskAdjustedValue } from './factors/risk-adjusted-value.ts';
export { peerZScore } from './factors/peer-zscore.ts';
