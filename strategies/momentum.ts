import { defineStrategy, rateOfChange, topK } from '../src/api.ts';

/**
 * Cross-sectional momentum, the plain baseline: long the `top` members with the highest
 * `lookback`-bar rate of change, close(t) / close(t − L) − 1, equal weight, every `rebalance` closes.
 */
export default defineStrategy({
  name: 'momentum',
  description: 'Long the top N by L-day rate of change, equal weight, rebalanced every R days.',
  params: {
    lookback: { type: 'int', default: 63, min: 1, description: 'L, bars in the rate of change' },
    top: { type: 'int', default: 10, min: 1, description: 'N, longs' },
    rebalance: { type: 'int', default: 5, min: 1, description: 'R, bars between decisions' },
  },
  warmup: (p) => p.lookback,
  factors: (p) => ({ roc: rateOfChange(p.lookback) }),
  signal: (p) => ({ factor: 'roc', horizon: p.rebalance }),
  every: (p) => p.rebalance, // decide on decision bars 0, R, 2R, … only (its factors are computed on those rows alone)
  decide(bar, p) {
    const w = bar.weights();
    for (const i of topK(bar.factor('roc'), p.top)) w[i] = 1 / p.top;
    return w;
  },
});
