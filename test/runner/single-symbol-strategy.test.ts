import { describe, expect, it } from 'vitest';
import type { Factor, Strategy, Weights } from '../../src/api.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { singleSymbolApplies } from '../../src/runner/single-symbol.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/**
 * What a strategy sees and what happens to what it returns on the one-symbol path, against the
 * general path (evaluateVariant with and without `generalPath`): the decision index, cash, equity
 * and bar of every call; the errors of a strategy that throws or returns bad weights, word for word;
 * and the runs the path must not take (a rolling universe, a borrow table).
 */
function panelOf(bars: number, missing: readonly number[] = []): Panel {
  const close: (number | null)[][] = [], open: (number | null)[][] = [];
  for (let t = 0; t < bars; t++) {
    const p = 40 + 5 * Math.sin(t / 3) + t * 0.1;
    close.push([missing.includes(t) ? null : Math.round(p * 100) / 100]);
    open.push([Math.round((p - 0.3) * 100) / 100]);
  }
  return handPanel({ dates: businessDates('2021-01-04', bars), symbols: ['XYZ'], close, open });
}

/** Acts on `bars` (actsOn), answering `answer(t)`; records what it saw. */
function watcher(bars: readonly number[], answer: (t: number) => Weights | undefined, seen: unknown[]): Strategy {
  const on = new Set(bars);
  const marked: Factor = { key: `watch(${bars.join(',')})`, create: () => (history, out) => { out[0] = on.has(history.t) ? 1 : 0; } };
  return {
    name: 'watcher', description: 'test', params: {}, warmup: () => 2,
    factors: () => ({ marked }),
    actsOn: () => 'marked',
    decide(bar) {
      seen.push({ t: bar.t, decision: bar.decision, cash: bar.cash, equity: bar.equity, date: bar.date });
      return answer(bar.t);
    },
  } as Strategy;
}

function run(panel: Panel, strategy: Strategy, fill: 'open' | 'close', general: boolean) {
  const schedule = runSchedule(panel, strategy, [{}], panel.days[0]!, panel.days.at(-1)!, fill);
  const settings = { cash: 10_000, fractional: false, commissionBps: 5, slippageBps: 3 };
  const factors = new FactorCache(panel, { fill });
  expect(singleSymbolApplies(panel, settings, factors)).toBe(true);
  return evaluateVariant({ panel, strategy, id: 1, params: {}, schedule, settings, factors, ...(general ? { generalPath: true } : {}) });
}

describe('the strategy on the one-symbol path', () => {
  it('sees the same decision index, cash, equity and date on every call as on the general path', () => {
    const panel = panelOf(60);
    const bars = [3, 7, 8, 20, 33, 41, 55];
    const weights = new Map([[3, 1], [7, 0.5], [8, 0.9], [20, 0], [33, 0.7], [41, 1], [55, 0]]);
    for (const fill of ['open', 'close'] as const) {
      const a: unknown[] = [], b: unknown[] = [];
      const fast = run(panel, watcher(bars, (t) => ({ XYZ: weights.get(t)! }), a), fill, false);
      const general = run(panel, watcher(bars, (t) => ({ XYZ: weights.get(t)! }), b), fill, true);
      expect(a).toEqual(b);
      expect(a).toHaveLength(bars.length);
      const first = runSchedule(panel, watcher(bars, () => undefined, []), [{}], panel.days[0]!, panel.days.at(-1)!, fill).firstDecision;
      expect((a as { decision: number; t: number }[]).map((x) => x.decision)).toEqual(bars.map((t) => t - first));
      expect(fast.result.trades).toEqual(general.result.trades);
    }
  });

  it('a strategy that throws: the same error, naming the strategy and the date', () => {
    const panel = panelOf(30);
    for (const fill of ['open', 'close'] as const) {
      const boom = () => watcher([5, 9], (t) => { if (t === 9) throw new Error('no data for me'); return { XYZ: 1 }; }, []);
      const message = `strategy watcher failed at the close of ${panel.dates[9]}: no data for me`;
      expect(() => run(panel, boom(), fill, false)).toThrow(message);
      expect(() => run(panel, boom(), fill, true)).toThrow(message);
    }
  });

  it('bad weights are refused with the general path’s words: too many, a stranger, not finite', () => {
    const panel = panelOf(30);
    const cases: Array<[Weights, RegExp]> = [
      [Float64Array.of(0.5, 0.5), /^strategy watcher returned 2 weights at 2021-01-1\d; the universe has 1 symbols$/],
      [{ ABC: 1 }, /^strategy watcher gave a weight to ABC at 2021-01-1\d, which is not in the universe$/],
      [new Map([['XYZ', Number.NaN]]), /^strategy watcher gave XYZ a weight of NaN at 2021-01-1\d$/],
      [{ XYZ: Number.POSITIVE_INFINITY }, /^strategy watcher gave XYZ a weight of Infinity at 2021-01-1\d$/],
    ];
    for (const [weights, message] of cases) {
      for (const general of [false, true]) expect(() => run(panel, watcher([6], () => weights, []), 'open', general)).toThrow(message);
    }
  });

  it('a decision on a bar without a close, the only earlier close on the first bar: the buy is sized as on the general path', () => {
    const panel = panelOf(20, [1, 2, 3]);
    for (const fill of ['open', 'close'] as const) {
      const fast = run(panel, watcher([3, 10], (t) => ({ XYZ: t === 3 ? 1 : 0.5 }), []), fill, false);
      const general = run(panel, watcher([3, 10], (t) => ({ XYZ: t === 3 ? 1 : 0.5 }), []), fill, true);
      expect(fast.result.trades).toEqual(general.result.trades);
      expect(fast.result.curve.equity).toEqual(general.result.curve.equity);
      expect(fast.metrics).toEqual(general.metrics);
    }
  });

  it('does not apply with a rolling universe or a borrow table', () => {
    const panel = panelOf(10);
    const settings = { cash: 10_000, fractional: false, commissionBps: 0, slippageBps: 0 };
    const factors = new FactorCache(panel);
    expect(singleSymbolApplies(panel, settings, factors)).toBe(true);
    const rolling = new FactorCache(panel, { universe: { ...factors.universe, all: false, span: (t) => factors.universe.span(t) } });
    expect(singleSymbolApplies(panel, settings, rolling)).toBe(false);
    expect(singleSymbolApplies({ ...panel, borrow: new Float64Array(10).fill(30) }, settings, factors)).toBe(false);
    expect(singleSymbolApplies(panel, { ...settings, impact: 'none', borrowBps: 0, cashRate: 0, maxParticipation: 0 }, factors)).toBe(true);
  });
});
