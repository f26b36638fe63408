import { beforeEach, describe, expect, it } from 'vitest';
import type { Params } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { chooseFolds, parseWalkForward, planFolds, runWalkForward } from '../../src/walkforward/index.ts';

/**
 * The walk-forward in this process (test/cli/walk-forward.test.ts checks the same through the CLI):
 * the stitched record against a second, obvious implementation — each fold's chosen variant run on
 * its own over the fold's test days, from cash. With fractional shares, no costs, and momentum
 * (targets from the prices alone), a run over a fold's test window makes the very decisions the
 * record makes there, rebalance schedule included (a fold's decisions count from its first), so
 * the record's daily return on every test day is that run's; only a fold's first day differs
 * (the book carried from the fold before is held overnight) — except the first fold's, which
 * starts from cash too. The folds' numbers are then checked from the record's curve by hand.
 */
const { strategy } = await loadStrategy('momentum');
// rebalance = 3: a fold that restarted the variant's own schedule at the wrong decision would rebalance on other days
const variants: Params[] = [4, 10].flatMap((lookback) => [2, 5].map((top) => ({ lookback, top, rebalance: 3 })));
const cash = 1e6;
const settings = { cash, fractional: true, commissionBps: 0, slippageBps: 0 };
const rankBy = 'total_return';

function build() {
  const spec = parseWalkForward('train=40,test=20');
  const market = generateSampleMarket({ seed: 5, symbols: 12, from: '2024-01-01', to: '2024-08-30', listings: 0, delistings: 0 });
  const panel: Panel = samplePanel(market);
  const bars = panel.dates.length;
  const schedule = runSchedule(panel, strategy, variants, panel.days[20]!, panel.days[bars - 1]!, 'open');
  const days = schedule.last - schedule.first + 1;
  const folds = planFolds(spec, { days, dates: panel.dates.slice(schedule.first, schedule.last + 1), warmup: 0 });
  const factors = new FactorCache(panel);
  const outcomes = variants.map((params, k) => evaluateVariant({ panel, strategy, id: k + 1, params, schedule, settings, factors, diagnostics: false }));
  // An equal-weighted benchmark of hand-made daily returns (any series: the record only carries it)
  const benchmark = Float64Array.from({ length: days }, (_, d) => 0.001 * Math.sin(d / 3) + 0.0002);
  const choices = chooseFolds(outcomes, folds, { rankBy, cash, riskFree: 0, benchmark, first: schedule.first });
  const wf = runWalkForward({ spec, folds, variants: outcomes, rankBy, panel, strategy, schedule, settings, factors, benchmark, statistics: null });
  return { panel, schedule, days, folds, factors, outcomes, benchmark, choices, wf };
}
// Built before each test, not at load or in beforeAll: a failure then counts against the tests, and
// `npm run mutate` credits a mutant to every test that ran its code (work done at load or in
// beforeAll is credited to no test, and such a "static" mutant reruns every test of the suite).
let panel: Panel, schedule: ReturnType<typeof runSchedule>, days: number, folds: ReturnType<typeof planFolds>, factors: FactorCache;
let outcomes: ReturnType<typeof evaluateVariant>[], benchmark: Float64Array, choices: ReturnType<typeof chooseFolds>, wf: ReturnType<typeof runWalkForward>;
beforeEach(() => {
  ({ panel, schedule, days, folds, factors, outcomes, benchmark, choices, wf } = build());
});

/** Daily returns of an equity curve that starts from `start`. */
function returnsOf(equity: ArrayLike<number>, start: number): number[] {
  const out: number[] = [];
  let prev = start;
  for (let d = 0; d < equity.length; d++) {
    out.push(equity[d]! / prev - 1);
    prev = equity[d]!;
  }
  return out;
}

describe('the stitched out-of-sample record, in process', () => {
  it('has several folds, and the choice changes between them', () => {
    expect(folds.length).toBeGreaterThanOrEqual(4);
    expect(new Set(wf.folds.map((f) => f.variant)).size).toBeGreaterThan(1);
    expect(wf.folds.map((f) => f.variant)).toEqual(choices.map((c) => outcomes[c.chosen]!.id));
    expect(wf.folds.map((f) => f.params)).toEqual(choices.map((c) => outcomes[c.chosen]!.params));
  });

  it('starts on the first test day and covers every test day after it, fold by fold', () => {
    expect(wf.firstDay).toBe(folds[0]!.testStart);
    const equity = wf.oos.result.curve.equity;
    expect(equity).toHaveLength(days - folds[0]!.testStart);
    expect(wf.oos.schedule.first).toBe(schedule.first + folds[0]!.testStart);
    expect(wf.oos.id).toBe(0);
    const expectedFold = new Int32Array(equity.length);
    folds.forEach((f, k) => { for (let d = f.testStart; d <= f.testEnd; d++) expectedFold[d - wf.firstDay] = k + 1; });
    expect(Array.from(wf.foldOfDay)).toEqual(Array.from(expectedFold));
  });

  it('on every test day but a later fold\'s first, returns what the chosen variant run alone over that fold\'s test days returns', () => {
    const record = returnsOf(wf.oos.result.curve.equity, cash);
    let compared = 0;
    folds.forEach((f, k) => {
      const params = outcomes[choices[k]!.chosen]!.params;
      const alone = runSchedule(panel, strategy, [params], panel.days[schedule.first + f.testStart]!, panel.days[schedule.first + f.testEnd]!, 'open');
      const run = evaluateVariant({ panel, strategy, id: 1, params, schedule: alone, settings, factors, diagnostics: false });
      const own = returnsOf(run.result.curve.equity, cash);
      expect(own).toHaveLength(f.testEnd - f.testStart + 1);
      for (let d = k === 0 ? 0 : 1; d < own.length; d++) {
        expect(Math.abs(record[f.testStart - wf.firstDay + d]! - own[d]!), `fold ${k + 1}, test day ${d}`).toBeLessThan(1e-12);
        compared++;
      }
    });
    expect(compared).toBe(days - folds[0]!.testStart - (folds.length - 1));
    // and it traded: the record is not cash
    expect(record.some((r) => Math.abs(r) > 1e-6)).toBe(true);
  });

  it('each fold reports the record over its test days: total return, Sharpe, max drawdown, annual return; the benchmark compounded', () => {
    const equity = wf.oos.result.curve.equity;
    const r = returnsOf(equity, cash);
    wf.folds.forEach((f, k) => {
      const fold = folds[k]!;
      expect([f.fold, f.trainStart, f.trainEnd, f.testStart, f.testEnd]).toEqual([k + 1, fold.trainStart, fold.trainEnd, fold.testStart, fold.testEnd]);
      const a = fold.testStart - wf.firstDay, b = fold.testEnd - wf.firstDay;
      const before = a === 0 ? cash : equity[a - 1]!;
      const total = equity[b]! / before - 1;
      expect(f.oos.total_return).toBeCloseTo(total, 12);
      const w = r.slice(a, b + 1);
      const m = w.reduce((s, x) => s + x, 0) / w.length;
      const sd = Math.sqrt(w.reduce((s, x) => s + (x - m) ** 2, 0) / (w.length - 1));
      expect(f.oos.sharpe).toBeCloseTo((m / sd) * Math.sqrt(252), 9);
      let peak = before, worst = 0;
      for (let d = a; d <= b; d++) { peak = Math.max(peak, equity[d]!); worst = Math.min(worst, equity[d]! / peak - 1); }
      expect(f.oos.max_drawdown).toBeCloseTo(worst, 12);
      expect(f.oosAnnualReturn).toBeCloseTo((1 + total) ** (252 / w.length) - 1, 10);
      let growth = 1;
      for (let d = fold.testStart; d <= fold.testEnd; d++) growth *= 1 + benchmark[d]!;
      expect(f.benchmarkTotalReturn).toBeCloseTo(growth - 1, 14);
      // what it was chosen on, and how lucky the choice was
      expect(f.isValue).toBe(choices[k]!.isValue);
      expect(f.isAnnualReturn).toBe(choices[k]!.isAnnualReturn);
      expect([f.oosRank, f.oosOf, f.oosBestVariant]).toEqual([choices[k]!.oosRank, variants.length, outcomes[choices[k]!.oosBest]!.id]);
    });
  });

  it('grows the benchmark from the run\'s cash over the record\'s days, and rates the record against the folds\' in-sample returns', () => {
    let b = cash;
    const expected = Array.from({ length: days - wf.firstDay }, (_, d) => (b *= 1 + benchmark[wf.firstDay + d]!));
    expect(Array.from(wf.benchmarkEquity)).toEqual(expected);
    const equity = wf.oos.result.curve.equity;
    const oosAnnual = (equity.at(-1)! / cash) ** (252 / equity.length) - 1;
    let weighted = 0, n = 0;
    for (const f of wf.folds) { weighted += f.isAnnualReturn! * (f.testEnd - f.testStart + 1); n += f.testEnd - f.testStart + 1; }
    expect(wf.efficiency.oos_annual_return).toBeCloseTo(oosAnnual, 10);
    expect(wf.efficiency.is_annual_return).toBeCloseTo(weighted / n, 12);
    if (weighted > 0) expect(wf.efficiency.walk_forward_efficiency).toBeCloseTo(oosAnnual / (weighted / n), 10);
    const ids = wf.folds.map((f) => f.variant);
    let changes = 0;
    for (let k = 1; k < ids.length; k++) if (ids[k] !== ids[k - 1]) changes++;
    expect(wf.stability).toMatchObject({ folds: folds.length, changes, distinct_variants: new Set(ids).size });
    expect(Object.keys(wf.stability.parameters).sort()).toEqual(['lookback', 'top']);
  });

  it('its summary row: the record\'s own final equity and total return, the benchmark over the same days', () => {
    const equity = wf.oos.result.curve.equity;
    expect(wf.oos.metrics.final_equity).toBeCloseTo(equity.at(-1)!, 6);
    expect(wf.oos.metrics.total_return).toBeCloseTo(equity.at(-1)! / cash - 1, 12);
    expect(wf.oos.metrics.psr).toBeUndefined(); // statistics off: no confidence columns
    expect(wf.oos.warnings).toEqual([]); // every order filled, every weight on a member
  });
});
