import { defineStrategy } from '../src/api.ts';

/**
 * The benchmark: equal weight in every member of the universe that has a close at the first
 * decision, bought at the first fill and held (holdings drift). With a rolling universe the book
 * follows the index: names that leave are sold by the engine, and at the first decision of each new
 * season it is bought again, equal weight, in that season's members (so it never dwindles to the
 * survivors of its first year).
 */
export default defineStrategy({
  name: 'buy-and-hold',
  description: "Equal weight in the universe's members, bought at the first fill and held (again at each new season).",
  params: {},
  warmup: () => 0,
  decide(bar, _p, ctx) {
    if (bar.decision > 0 && ctx.state.season === bar.season) return;
    ctx.state.season = bar.season;
    const close = bar.row('close');
    const member = bar.member;
    let priced = 0;
    for (let i = 0; i < bar.n; i++) if (member[i] === 1 && close[i]! > 0) priced++;
    const w = bar.weights();
    for (let i = 0; i < bar.n; i++) if (member[i] === 1 && close[i]! > 0) w[i] = 1 / priced;
    return w;
  },
});
