import { crossing, defineStrategy, rollingMean } from '../src/api.ts';

/**
 * Moving-average crossover on one symbol. All-in when the fast simple moving average of close
 * crosses above the slow one (fast > slow at t, fast ≤ slow at t−1); out when it crosses below
 * (fast < slow at t, fast ≥ slow at t−1). Averages are exact window means, so real data's
 * exact ties stay ties. It can act only where the averages cross (`actsOn`: the `cross` factor), so
 * the engine asks it nothing on the other bars.
 */
export default defineStrategy({
  name: 'sma-cross',
  description: 'Fast/slow simple moving-average crossover on one symbol, all in or all out.',
  params: {
    symbol: { type: 'string', default: '', description: 'symbol to trade (default: the only one in the universe)' },
    fast: { type: 'int', default: 10, min: 1, description: 'bars in the fast average' },
    slow: { type: 'int', default: 30, min: 2, description: 'bars in the slow average' },
  },
  constraints: [(p) => p.fast < p.slow || `fast (${p.fast}) must be below slow (${p.slow})`],
  validate(p, { symbols }) {
    if (p.symbol === '') return symbols.length === 1 ? undefined : `sma-cross trades one symbol: set --param symbol=SYM (the universe has ${symbols.length})`;
    return symbols.includes(p.symbol) ? undefined : `sma-cross: symbol ${p.symbol} is not in the universe`;
  },
  warmup: (p) => p.slow,
  factors: (p) => ({ fast: rollingMean(p.fast), slow: rollingMean(p.slow), cross: crossing(rollingMean(p.fast), rollingMean(p.slow)) }),
  actsOn: () => 'cross',
  decide(bar, p) {
    const i = p.symbol === '' ? 0 : bar.symbolIndex(p.symbol);
    const fast = bar.factorValue('fast', i), slow = bar.factorValue('slow', i);
    // Yesterday's averages matter only when today's already point the way of a cross.
    if (bar.position(i) === 0) {
      if (!(fast > slow) || !(bar.factorValue('fast', i, 1) <= bar.factorValue('slow', i, 1))) return undefined;
      const w = bar.weights();
      w[i] = 1;
      return w;
    }
    if (bar.position(i) > 0 && fast < slow && bar.factorValue('fast', i, 1) >= bar.factorValue('slow', i, 1)) return bar.weights();
    return undefined;
  },
});
