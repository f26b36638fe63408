import { beforeEach, describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { dailyRiskFree } from '../../src/metrics/risk-free.ts';
import { benchmarkMetrics } from '../../src/metrics/tear-sheet.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { applyUniverse, universeColumns, withExtra, type UniverseRow } from '../../src/panel/universe.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { parseWalkForward, planFolds, runWalkForward } from '../../src/walkforward/index.ts';
import { windowPsr } from '../../src/walkforward/window-metrics.ts';
import { businessDates } from '../support/panel.ts';

/**
 * The stitched record where test/walkforward/record.test.ts does not go: close fills, a risk-free
 * rate, the statistics on, a strategy that keeps state and warns, weights on a symbol outside the
 * universe, a missing price, and a ruin. A market made by hand: A falls 1 % a day for 30 days,
 * then jumps by `jump` on day 32 and rises 2 % a day; C never moves; B has prices but is not in the
 * universe. The variants hold A at `side` × equity (−2: short at the leverage limit, or 1: long),
 * plus a 10 % weight on B (always dropped); A has no price on day 25 (its order that day is skipped).
 */
const DAYS = 50;
const dates = businessDates('2025-01-01', DAYS);
const log: Array<{ decision: number; t: number; date: string; equity: number; cash: number; held: number; close: number; state: number }> = [];

const sided: Strategy = {
  name: 'sided',
  description: 'test strategy: A at side × equity, and a little of B',
  params: { side: { type: 'number', default: 1 } },
  warmup: () => 0,
  decide(bar, p, ctx) {
    const a = bar.symbolIndex('A');
    ctx.state.calls = ((ctx.state.calls as number | undefined) ?? 0) + 1;
    if (ctx.state.calls === 1) ctx.warn(`a segment starts at bar ${bar.t}`);
    expect(a).toBe(0);
    log.push({ decision: bar.decision, t: bar.t, date: bar.date, equity: bar.equity, cash: bar.cash, held: bar.position(a), close: bar.close(a), state: ctx.state.calls as number });
    expect([bar.n, bar.symbols, bar.season, bar.groups]).toEqual([3, ['A', 'B', 'C'], 2025, ['g']]);
    if (Number.isFinite(bar.close(a)) && Number.isFinite(bar.close(a, 1))) expect([bar.open(a), bar.high(a), bar.low(a), bar.volume(a), bar.row('close')[a], bar.member[1], bar.groupOf[1]]).toEqual([
      bar.close(a, 1), bar.close(a), bar.close(a), 1e6, bar.close(a), 0, -1,
    ]);
    return { A: Number(p.side), B: 0.1 };
  },
};

function market(jump: number): Panel {
  const rows: UniverseRow[] = [{ season: 2025, symbol: 'A', peer_group: 'g' }, { season: 2025, symbol: 'C', peer_group: 'g' }];
  const columns = withExtra(universeColumns(rows), ['B']);
  const p = allocatePanel({ days: dates.map((d) => parseIsoDate(d)!), symbols: columns.map((c) => c.symbol), peerGroups: columns.map((c) => c.peer_group), otherGroups: ['g'] });
  let a = 100;
  for (let t = 0; t < DAYS; t++) {
    const previous = a;
    a = t === 0 ? 100 : t < 30 ? a * 0.99 : t === 32 ? a * (1 + jump) : a * 1.02;
    const closes = [t === 25 ? NaN : a, 20 + t, 50];
    const opens = [t === 25 ? NaN : previous, 20 + t, 50];
    closes.forEach((c, i) => {
      p.close[t * 3 + i] = c;
      p.open[t * 3 + i] = opens[i]!;
      p.high[t * 3 + i] = c;
      p.low[t * 3 + i] = c;
      p.volume[t * 3 + i] = 1e6;
    });
  }
  return applyUniverse(indexCloses(p), rows, 'pinned', 2025);
}

function walkForward(jump: number, test = 10) {
  const panel = market(jump);
  const variants = [{ side: -2 }, { side: 1 }];
  const settings = { cash: 1e5, fractional: true, commissionBps: 0, slippageBps: 0, riskFree: 0.05 };
  const schedule = runSchedule(panel, sided, variants, panel.days[1]!, panel.days[DAYS - 1]!, 'close');
  const days = schedule.last - schedule.first + 1;
  const spec = parseWalkForward(`train=20,test=${test}`);
  const folds = planFolds(spec, { days, dates: panel.dates.slice(schedule.first, schedule.last + 1), warmup: 0 });
  const factors = new FactorCache(panel);
  const outcomes = variants.map((params, k) => evaluateVariant({ panel, strategy: sided, id: k + 1, params, schedule, settings, factors, diagnostics: false }));
  const benchmark = Float64Array.from({ length: days }, (_, d) => 0.002 * Math.cos(d));
  log.length = 0;
  const wf = runWalkForward({
    spec, folds, variants: outcomes, rankBy: 'total_return', panel, strategy: sided, schedule, settings, factors, benchmark,
    statistics: { seed: 3, bootstrapReps: 60, pboBlocks: 4 },
  });
  return { wf, folds, schedule, benchmark, panel, decisions: [...log] };
}

describe('the stitched record at its edges (close fills, statistics, ruin)', () => {
  // Computed before each test, not at load or in beforeAll: a failure then counts against the tests,
  // and `npm run mutate` credits a mutant to every test that ran its code (see test/walkforward/record.test.ts).
  let calm: ReturnType<typeof walkForward>, ruinous: ReturnType<typeof walkForward>;
  beforeEach(() => {
    calm = walkForward(0.05);
    // test windows of 12 days: the first ends on bar 32, the jump that ruins the short
    ruinous = walkForward(0.8, 12);
  });

  it('with close fills, a fold\'s first decision is at its first test day\'s close: the account holds cash through that day', () => {
    const { wf, folds, schedule, decisions } = calm;
    expect(wf.folds.map((f) => f.variant)).toEqual([1, 1, 2]); // short while A falls; long once it has risen
    expect(wf.oos.result.curve.equity[0]).toBeCloseTo(1e5, 9);
    expect(decisions[0]!.t).toBe(schedule.first + folds[0]!.testStart);
    // each segment counts its decisions from 0, with a fresh state, and sees the account's book
    for (const f of folds) {
      const first = decisions.find((d) => d.t === schedule.first + f.testStart)!;
      expect([first.decision, first.state]).toEqual([0, 1]);
      const last = decisions.find((d) => d.t === schedule.first + f.testEnd)!;
      expect([last.decision, last.state]).toEqual([f.testEnd - f.testStart, f.testEnd - f.testStart + 1]);
    }
    const equity = wf.oos.result.curve.equity;
    for (const d of decisions) {
      expect(d.date).toBe(dates[d.t]);
      const day = d.t - wf.oos.schedule.first;
      // no costs, fills at the close the book is marked at: the decision's equity is that day's
      expect(d.equity).toBeCloseTo(equity[day]!, 6);
      if (Number.isFinite(d.close)) expect(d.cash + d.held * d.close).toBeCloseTo(d.equity, 6);
    }
    expect(wf.oos.warnings).toEqual(expect.arrayContaining(folds.map((f) => `a segment starts at bar ${schedule.first + f.testStart}`)));
    // the view reads the account's bar: A is column 0, its close that day (NaN on day 25)
    for (const d of decisions) expect(d.close).toBe(calm.panel.close[d.t * 3]);
    expect(wf.oos.schedule.warnings).toEqual([]); // the run's schedule warnings were reported with the run
  });

  it('names what could not be done: the weights outside the universe', () => {
    const w = calm.wf.oos.warnings;
    expect(w.some((m) => /^\d+ weight\(s\) on symbols outside the universe that day were dropped$/.test(m))).toBe(true);
    // (a missing close with close fills drops the order quietly: no warning of skipped orders here)
    expect(w.some((m) => /order\(s\) not executed/.test(m))).toBe(calm.wf.oos.result.skipped.length > 0);
  });

  it('the statistics of a record of one trial: PSR(0) of its returns, no DSR, a bootstrap interval; alpha net of the risk-free rate', () => {
    const { wf } = calm;
    expect(wf.oos.result.ruinedAt).toBe(-1);
    const equity = wf.oos.result.curve.equity;
    const r = Float64Array.from(equity, (e, d) => e / (d === 0 ? 1e5 : equity[d - 1]!) - 1);
    expect(wf.oos.metrics.psr).toBeCloseTo(windowPsr(r)!, 9);
    expect(wf.oos.metrics.dsr).toBeNull();
    expect(wf.oos.metrics.sharpe_ci_low!).toBeLessThan(wf.oos.metrics.sharpe_ci_high!);
    const b = calm.benchmark.subarray(wf.firstDay);
    expect(wf.oos.metrics.alpha).toBeCloseTo(benchmarkMetrics(r, b, dailyRiskFree(0.05)).alpha!, 12);
    expect(wf.oos.metrics.alpha).not.toBeCloseTo(benchmarkMetrics(r, b, 0).alpha!, 6);
    // each fold's Sharpe over its test days is net of the daily risk-free rate too
    const rf = dailyRiskFree(0.05);
    for (const f of wf.folds) {
      const w = Array.from(r.subarray(f.testStart - wf.firstDay, f.testEnd - wf.firstDay + 1));
      const m = w.reduce((a, x) => a + x, 0) / w.length;
      const sd = Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / (w.length - 1));
      expect(f.oos.sharpe).toBeCloseTo(((m - rf) / sd) * Math.sqrt(252), 9);
    }
  });

  it('a ruined record: its ratios blank; its returns after the ruin count as 0; a fold ruined on its last day has no ratios', () => {
    const { wf } = ruinous;
    // the short is chosen for fold 1 (A falls in its training days); by fold 2 its own run was ruined by the jump
    expect(wf.folds[0]!.variant).toBe(1);
    expect(wf.oos.result.ruinedAt).toBe(32);
    const ruinDay = wf.oos.result.ruinedAt - wf.oos.schedule.first;
    expect(ruinDay).toBe(wf.folds[0]!.testEnd - wf.firstDay);
    for (const name of ['sharpe', 'sortino', 'volatility', 'psr', 'alpha', 'sharpe_ci_low'] as const) expect(wf.oos.metrics[name]).toBeNull();
    expect(wf.oos.metrics.total_return).toBeLessThanOrEqual(-1);
    // the distribution's days: the ruin day is the worst, every day after it a 0 (not a 0/0)
    const e = wf.oos.result.curve.equity;
    const r = Array.from(e, (x, d) => x / (d === 0 ? 1e5 : e[d - 1]!) - 1).map((x, d) => (d > ruinDay ? 0 : x));
    expect(wf.oos.metrics.worst_day).toBeCloseTo(r[ruinDay]!, 12);
    expect(wf.oos.metrics.positive_days).toBeCloseTo(r.filter((x) => x > 0).length / r.length, 12);
    // fold 1's returns are all numbers (the ruin is its last day), yet as a ruined window it has no Sharpe
    expect(wf.folds[0]!.oos.sharpe).toBeNull();
    expect(wf.folds[0]!.oos.total_return).toBeLessThanOrEqual(-1);
  });
});
