import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params, Strategy } from '../../src/api.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { createContext } from '../../src/strategy/context.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { directTop, directVopa } from './reference.ts';

let vopa: Strategy;
beforeAll(async () => { vopa = (await loadStrategy('vopa')).strategy; });

const defaults = (over: Record<string, number | string> = {}): Params => ({ lookback: 2, skip: 0, minPeers: 1, top: 2, bottom: 0, rebalance: 1, weighting: 'equal', gross: 1, ...over });

/** The weights each decision returned, by bar. */
function decisions(panel: Panel, strategy: Strategy, params: Params, from: number, to: number): Map<number, Record<string, number>> {
  const seen = new Map<number, Record<string, number>>();
  const spy: Strategy = {
    ...strategy,
    decide(bar, p, ctx) {
      const w = strategy.decide(bar, p, ctx) as Float64Array | undefined;
      if (w) seen.set(bar.t, Object.fromEntries(Array.from(w).map((x, i) => [bar.symbols[i]!, x] as const).filter(([, x]) => x !== 0)));
      return w;
    },
  };
  const schedule = planSchedule(panel, panel.days[from]!, panel.days[to]!, strategy.warmup(params as never), 'open');
  simulate(panel, spy, params, schedule, { cash: 1e6, fractional: true, commissionBps: 0, slippageBps: 0 }, new FactorCache(panel), createContext(undefined));
  return seen;
}

// Four symbols in one group; returns over two days chosen so values order D > C > B > A, and B = E exactly.
const panel = handPanel({
  dates: businessDates('2024-01-01', 4),
  symbols: ['A', 'B', 'C', 'D', 'E'],
  close: [
    [100, 100, 100, 100, 100],
    [99, 101, 102, 104, 101],
    [99.5, 103.02, 104.04, 109.2, 103.02],
    [99.5, 103.02, 104.04, 109.2, 103.02],
  ],
});
// returns: A −1 %, +0.505 %; B +1 %, +2 %; C +2 %, +2 % (sd 0: no value); D +4 %, +5 %; E = B
// values: D (4.5 / 0.707) > B = E (1.5 / 0.707) > A (negative); C none.

describe('vopa targets and weights', () => {
  it('longs the N highest VOPA, equal weight gross / N, ties to the lower symbol', () => {
    const w = decisions(panel, vopa, defaults({ top: 2 }), 3, 3).get(2)!;
    expect(w).toEqual({ D: 0.5, B: 0.5 }); // B and E tie: B wins
  });

  it('with shorts: longs gross / 2 / N, shorts −gross / 2 / K from the rest', () => {
    const w = decisions(panel, vopa, defaults({ top: 1, bottom: 2, gross: 2 }), 3, 3).get(2)!;
    expect(w).toEqual({ D: 1, A: -0.5, B: -0.5 }); // lowest: A, then B (tied with E, lower symbol)
  });

  it('inverse-vol: weights ∝ 1 / sd(r) within a side, same side total', () => {
    const w = decisions(panel, vopa, defaults({ top: 2, weighting: 'inverse-vol' }), 3, 3).get(2)!;
    // sd of D's returns (4 %, 5 %) = 0.01/√2; of B's (1 %, 2 %) the same: equal weights here
    expect(w.D).toBeCloseTo(0.5, 9);
    expect(w.B).toBeCloseTo(0.5, 9);
    const skewed = handPanel({ dates: businessDates('2024-01-01', 4), symbols: ['P', 'Q'], close: [[100, 100], [101, 102], [103.02, 108.12], [103.02, 108.12]] });
    // P: +1 %, +2 % (sd 0.01/√2); Q: +2 %, +6 % (sd 0.04/√2) → inverse ∝ 4 : 1
    const ws = decisions(skewed, vopa, defaults({ top: 2, weighting: 'inverse-vol' }), 3, 3).get(2)!;
    expect(ws.P).toBeCloseTo(0.8, 6);
    expect(ws.Q).toBeCloseTo(0.2, 6);
  });

  it('leaves the slot of a missing name in cash (fewer values than N)', () => {
    const w = decisions(panel, vopa, defaults({ top: 5 }), 3, 3).get(2)!;
    expect(Object.values(w)).toEqual([0.2, 0.2, 0.2, 0.2]); // four values, each gross / 5
  });

  it('decides at the first decision close, then every R closes, holding in between', () => {
    const long = handPanel({ dates: businessDates('2024-01-01', 12), symbols: ['A', 'B'], close: Array.from({ length: 12 }, (_, t) => [100 + t + (t % 3), 100 + 2 * t]) });
    const bars = [...decisions(long, vopa, defaults({ top: 1, rebalance: 3 }), 3, 11).keys()];
    expect(bars).toEqual([2, 5, 8]); // a decision at bar 11's close would fill after the end
  });
});

describe('vopa on the sample market matches the direct definition', () => {
  let sample: Panel;
  let source: LocalSource;
  beforeAll(async () => {
    source = new LocalSource(SAMPLE_DATA_DIR);
    ({ panel: sample } = await source.loadWindow({ season: 2025, startDay: parseIsoDate('2025-04-01')!, endDay: parseIsoDate('2025-09-30')!, warmupBars: 64 }));
  });
  afterAll(() => source.close());

  it('every decision longs the directly computed top N', () => {
    const params: Params = { lookback: 63, skip: 0, minPeers: 3, top: 10, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 };
    const first = sample.dates.indexOf('2025-04-01');
    const seen = decisions(sample, vopa, params, first, sample.dates.length - 1);
    expect(seen.size).toBeGreaterThan(20);
    for (const [t, w] of seen) {
      const expected = directTop(directVopa(sample, t, 63, 0, 3), sample.symbols, 10);
      expect(Object.keys(w).sort(), sample.dates[t]).toEqual([...expected].sort());
      for (const x of Object.values(w)) expect(x).toBe(0.1);
    }
  });
});
