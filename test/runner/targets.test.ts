import { describe, expect, it } from 'vitest';
import type { Bar, Strategy, Weights } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { applyUniverse } from '../../src/panel/universe.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { strategyOf } from '../support/strategies.ts';

// What the engine makes of a decision's weights (runner/simulate.ts's toTargets, broker/targets.ts):
// the same fills whichever form they take, the previous targets forgotten, bad weights refused.

const DATES = businessDates('2024-01-01', 5);
const four = handPanel({
  dates: DATES,
  symbols: ['A', 'B', 'C', 'D'],
  close: DATES.map(() => [10, 20, 25, 50]),
});

function run(panel: Panel, strategy: Strategy) {
  const schedule = planSchedule(panel, parseIsoDate(DATES[1]!)!, parseIsoDate(DATES[4]!)!, 0, 'open');
  const result = simulate(panel, strategy, {}, schedule, { cash: 1000, fractional: false, commissionBps: 0, slippageBps: 0 }, new FactorCache(panel), createContext(undefined));
  const fills = Array.from({ length: result.trades.length }, (_, k) => `${panel.dates[result.trades.bar[k]!]} ${panel.symbols[result.trades.column[k]!]} ${result.trades.quantity[k]}`);
  return { result, fills };
}

/** Decision 0: A and B half each; decision 1: all in C; then nothing. */
function switching(form: (bar: Bar, w: Record<string, number>) => Weights): Strategy {
  return strategyOf((bar) => (bar.decision === 0 ? form(bar, { A: 0.5, B: 0.5 }) : bar.decision === 1 ? form(bar, { C: 1 }) : undefined));
}

const asArray = (bar: Bar, w: Record<string, number>) => {
  const out = bar.weights();
  for (const [s, x] of Object.entries(w)) out[bar.symbolIndex(s)] = x;
  return out;
};
const asOwnArray = (bar: Bar, w: Record<string, number>) => Float64Array.from(asArray(bar, w));
const asMap = (_bar: Bar, w: Record<string, number>) => new Map(Object.entries(w));
const asRecord = (_bar: Bar, w: Record<string, number>) => w;

describe('targets from a decision', () => {
  it('sells what the last targets held and the new ones do not name, in every form of weights', () => {
    // day 2: 500 / 10 = 50 A, 500 / 20 = 25 B; day 3: both sold, 1000 / 25 = 40 C
    const want = [`${DATES[1]} A 50`, `${DATES[1]} B 25`, `${DATES[2]} A -50`, `${DATES[2]} B -25`, `${DATES[2]} C 40`];
    for (const form of [asArray, asOwnArray, asMap, asRecord]) expect(run(four, switching(form)).fills, form.name).toEqual(want);
  });

  it('a weight of −0 is no weight', () => {
    const { fills } = run(four, strategyOf((bar) => {
      if (bar.decision > 0) return undefined;
      const w = bar.weights();
      w[0] = -0;
      w[3] = 1;
      return w;
    }));
    expect(fills).toEqual([`${DATES[1]} D 20`]);
  });

  it('refuses the first weight that is not finite, naming its symbol, wherever it stands', () => {
    for (const [bad, name] of [[NaN, 'C'], [Infinity, 'C'], [-Infinity, 'C']] as const) {
      const w = (bar: Bar) => { const out = bar.weights(); out[1] = 0.2; out[2] = bad; out[3] = NaN; return out; };
      expect(() => run(four, strategyOf(w)), String(bad)).toThrow(new RegExp(`gave ${name} a weight of ${bad}`));
      expect(() => run(four, strategyOf(() => ({ B: 0.2, C: bad, D: NaN }))), String(bad)).toThrow(new RegExp(`gave ${name} a weight of ${bad}`));
    }
  });

  it('drops and counts weights on symbols outside the universe that day, in every form', () => {
    // A rolling universe: C is a member in 2024 only, so a decision on 2024-12-31 (filling in 2025) may not hold it.
    const dates = ['2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03'];
    const base = handPanel({ dates, symbols: ['A', 'B', 'C'], groups: ['g', 'g', 'g'], close: dates.map(() => [10, 20, 25]) });
    const rows = [2024, 2025].flatMap((season) => ['A', 'B', ...(season === 2024 ? ['C'] : [])].map((symbol) => ({ season, symbol, peer_group: 'g' })));
    const rolling = applyUniverse(base, rows, 'rolling', 2024);
    for (const form of [asArray, asOwnArray, asMap, asRecord]) {
      const strategy = strategyOf((bar) => (bar.decision === 0 ? form(bar, { A: 0.3, C: 0.3, B: 0.3 }) : undefined));
      const schedule = planSchedule(rolling, parseIsoDate('2025-01-02')!, parseIsoDate('2025-01-03')!, 0, 'open');
      const result = simulate(rolling, strategy, {}, schedule, { cash: 1000, fractional: false, commissionBps: 0, slippageBps: 0 }, new FactorCache(rolling), createContext(undefined));
      expect(result.droppedWeights, form.name).toBe(1);
      expect(Array.from(result.trades.column), form.name).toEqual([0, 1]); // 30 A, 15 B; no C
      expect(Array.from(result.trades.quantity), form.name).toEqual([30, 15]);
    }
  });
});
