import { defineStrategy } from '../src/api.ts';

/**
 * The benchmark: equal weight in every member of the season's universe that has a close at
 * the first decision, bought at the first fill and held to the end (holdings drift).
 */
export default defineStrategy({
  name: 'buy-and-hold',
  description: "Equal weight in the season's universe, bought at the first fill and held.",
  params: {},
  warmup: () => 0,
  decide(bar) {
    if (bar.decision > 0) return;
    const close = bar.row('close');
    let priced = 0;
    for (let i = 0; i < bar.n; i++) if (close[i]! > 0) priced++;
    const w = bar.weights();
    for (let i = 0; i < bar.n; i++) if (close[i]! > 0) w[i] = 1 / priced;
    return w;
  },
});
