import { describe, expect, it } from 'vitest';
import { benchmarkMetrics } from '../../src/metrics/tear-sheet.ts';
import { kurtosis, skewness } from '../../src/metrics/moments.ts';
import { probabilisticSharpe } from '../../src/statistics/probabilistic-sharpe.ts';
import { ruinedBy, windowPsr } from '../../src/walkforward/window-metrics.ts';
import { annualReturn, parameterStability, walkForwardEfficiency, WINDOW_METRICS, windowEquity, windowMetric } from '../../src/walkforward/index.ts';

const ctx = (days: number) => ({ benchmark: new Float64Array(days), riskFree: 0 });

describe('a metric over a window of a curve', () => {
  const equity = Float64Array.of(110, 99, 108.9, 130.68, 117.612);

  it('rebases the window to the run\'s cash: a window from day 0 is the curve itself, a later one starts from the previous close', () => {
    expect(windowEquity({ equity, cash: 100, from: 0, to: 2 })).toEqual(equity.subarray(0, 3));
    // From day 2: 108.9 / 99 = 1.1, 130.68 / 99 = 1.32 (of 100).
    const e = windowEquity({ equity, cash: 100, from: 2, to: 3 });
    expect(e[0]).toBeCloseTo(110, 12);
    expect(e[1]).toBeCloseTo(132, 12);
  });

  it('by hand: total return, cagr, max drawdown and Sharpe of the window\'s own returns', () => {
    const w = { equity, cash: 100, from: 1, to: 4 }; // returns −10 %, +10 %, +20 %, −10 % (day 1 against day 0's 110)
    expect(windowMetric('total_return', w, false, ctx(5))).toBeCloseTo(117.612 / 110 - 1, 12);
    expect(windowMetric('cagr', w, false, ctx(5))).toBeCloseTo((117.612 / 110) ** (252 / 4) - 1, 9);
    // Rebased: 90, 99, 118.8, 106.92 from 100: the peak is 118.8, the worst day −10 % from 100 and from 118.8.
    expect(windowMetric('max_drawdown', w, false, ctx(5))).toBeCloseTo(-0.1, 12);
    expect(windowMetric('max_drawdown_days', w, false, ctx(5))).toBe(2);
    const r = [-0.1, 0.1, 0.2, -0.1];
    const m = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - m) ** 2, 0) / 3);
    expect(windowMetric('sharpe', w, false, ctx(5))).toBeCloseTo((m / sd) * Math.sqrt(252), 9);
    expect(annualReturn(w)).toBeCloseTo((117.612 / 110) ** (252 / 4) - 1, 9);
  });

  it('a curve ruined by the window\'s end has no ratios; its total return is still −100 %', () => {
    const ruined = Float64Array.of(100, 50, 0, 0);
    expect(windowMetric('sharpe', { equity: ruined, cash: 100, from: 0, to: 3 }, true, ctx(4))).toBeNull();
    expect(windowMetric('total_return', { equity: ruined, cash: 100, from: 0, to: 3 }, true, ctx(4))).toBe(-1);
  });

  it('refuses a metric a window of returns does not determine, listing those it does', () => {
    expect(() => windowMetric('turnover', { equity, cash: 100, from: 0, to: 4 }, false, ctx(5))).toThrow(/turnover is not a metric of a window of daily returns/);
    expect(() => windowMetric('dsr', { equity, cash: 100, from: 0, to: 4 }, false, ctx(5))).toThrow(/\(final_equity, total_return, cagr, .*, positive_days, psr\)$/);
  });

  it('the other metrics, each summary.csv\'s function of the window\'s own returns (−10 %, +10 %, +20 %, −10 % from 100)', () => {
    const w = { equity, cash: 100, from: 1, to: 4 };
    const r = [-0.1, 0.1, 0.2, -0.1];
    const m = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - m) ** 2, 0) / 3);
    const bench = Float64Array.of(0.5, -0.05, 0.02, 0.1, -0.02); // day 0's 50 % must not count
    const c = { benchmark: bench, riskFree: 0 };
    const metric = (name: string) => windowMetric(name, w, false, c)!;
    expect(metric('final_equity')).toBeCloseTo(106.92, 10);
    expect(metric('volatility')).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(metric('sortino')).toBeCloseTo((m / Math.sqrt((0.01 + 0.01) / 4)) * Math.sqrt(252), 9); // downside deviation over all 4 days
    expect(metric('calmar')).toBeCloseTo(((106.92 / 100) ** (252 / 4) - 1) / 0.1, 6);
    expect(metric('best_day')).toBeCloseTo(0.2, 12);
    expect(metric('worst_day')).toBeCloseTo(-0.1, 12);
    expect(metric('positive_days')).toBe(0.5);
    expect(metric('skewness')).toBeCloseTo(skewness(r)!, 12);
    expect(metric('psr')).toBeCloseTo(probabilisticSharpe(m / sd, 0, 4, skewness(r)!, kurtosis(r)!)!, 12);
    const b = benchmarkMetrics(r, [-0.05, 0.02, 0.1, -0.02], 0);
    for (const name of ['alpha', 'beta', 'correlation', 'up_capture', 'down_capture'] as const) expect(metric(name)).toBeCloseTo(b[name]!, 12);
    // every metric a walk-forward may rank by has a value here (or none), and nothing else is among them
    for (const name of WINDOW_METRICS) expect(() => windowMetric(name, w, false, c)).not.toThrow();
    expect(WINDOW_METRICS).toEqual(expect.arrayContaining(['final_equity', 'sharpe', 'alpha', 'positive_days', 'psr']));
    expect(WINDOW_METRICS).not.toContain('dsr');
    expect(WINDOW_METRICS).not.toContain('turnover');
  });

  it('a curve flagged ruined has no ratios even where its numbers exist; an overflow is no value either', () => {
    const w = { equity, cash: 100, from: 1, to: 4 };
    for (const name of ['sharpe', 'sortino', 'volatility', 'psr', 'skewness', 'alpha']) expect(windowMetric(name, w, true, ctx(5))).toBeNull();
    expect(windowMetric('final_equity', w, true, ctx(5))).toBeCloseTo(106.92, 10);
    // one day from 100 to 10⁶: a cagr of 10,000^252 overflows: null, not Infinity
    expect(windowMetric('cagr', { equity: Float64Array.of(1e6), cash: 100, from: 0, to: 0 }, false, ctx(1))).toBeNull();
  });

  it('PSR(0) of a window needs returns that vary: none for no days, one day, or a constant return', () => {
    expect(windowPsr(new Float64Array(0))).toBeNull();
    expect(windowPsr(Float64Array.of(0.01))).toBeNull();
    expect(windowPsr(Float64Array.of(0.01, 0.01, 0.01))).toBeNull();
    // two days: SR̂ = 0.02/0.01·… by hand: mean 0.015, sd 0.00707, skewness 0, raw kurtosis 1
    const r = Float64Array.of(0.01, 0.02);
    const sr = 0.015 / Math.sqrt(0.00005);
    expect(windowPsr(r)).toBeCloseTo(probabilisticSharpe(sr, 0, 2, 0, 1)!, 12);
  });

  it('ruined by a window: at or before its last day, the first day included; a later ruin is not', () => {
    const w = { equity, cash: 100, from: 1, to: 3 };
    expect([ruinedBy(w, -1), ruinedBy(w, 0), ruinedBy(w, 3), ruinedBy(w, 4)]).toEqual([false, true, true, false]);
  });
});

describe('walk-forward efficiency', () => {
  it('annualised OOS return ÷ the chosen variants\' annualised IS returns weighted by the days each traded', () => {
    // Folds of 60 and 20 test days, IS 30 % and 10 %: (60·0.3 + 20·0.1) / 80 = 0.25; OOS 15 %: 0.6.
    const e = walkForwardEfficiency(0.15, [{ isAnnualReturn: 0.3, testDays: 60 }, { isAnnualReturn: 0.1, testDays: 20 }]);
    expect(e.is_annual_return).toBeCloseTo(0.25, 15);
    expect(e.walk_forward_efficiency).toBeCloseTo(0.6, 15);
  });

  it('none when the in-sample return is not positive (the ratio would read backwards), with the reason', () => {
    const e = walkForwardEfficiency(0.15, [{ isAnnualReturn: -0.1, testDays: 60 }]);
    expect(e.walk_forward_efficiency).toBeNull();
    expect(e.why_missing).toMatch(/did not gain in sample/);
    // exactly 0 in sample is no gain either
    expect(walkForwardEfficiency(0.15, [{ isAnnualReturn: 0, testDays: 60 }])).toMatchObject({ walk_forward_efficiency: null, is_annual_return: 0 });
  });

  it('none, with the reason, when a chosen variant or the record lost everything, or there are no folds', () => {
    expect(walkForwardEfficiency(0.15, [{ isAnnualReturn: 0.2, testDays: 30 }, { isAnnualReturn: null, testDays: 30 }])).toEqual({
      walk_forward_efficiency: null, oos_annual_return: 0.15, is_annual_return: null,
      why_missing: 'a chosen variant lost everything in its training window: no in-sample return to compare with',
    });
    expect(walkForwardEfficiency(null, [{ isAnnualReturn: 0.2, testDays: 30 }])).toEqual({
      walk_forward_efficiency: null, oos_annual_return: null, is_annual_return: 0.2,
      why_missing: 'the out-of-sample record lost everything: no annualised return',
    });
    expect(walkForwardEfficiency(0.1, [])).toMatchObject({ walk_forward_efficiency: null, is_annual_return: null });
  });
});

describe('parameter stability', () => {
  it('counts the changes of the choice and measures the numeric moves against the grid\'s range', () => {
    const grid = [10, 20, 40].flatMap((lookback) => ['a', 'b'].map((side) => ({ lookback, side, fixed: 1 })));
    const chosen = [
      { id: 1, params: { lookback: 10, side: 'a', fixed: 1 } },
      { id: 1, params: { lookback: 10, side: 'a', fixed: 1 } },
      { id: 6, params: { lookback: 40, side: 'b', fixed: 1 } },
      { id: 3, params: { lookback: 20, side: 'a', fixed: 1 } },
    ];
    const s = parameterStability(chosen, grid, ['lookback', 'side', 'fixed']);
    expect(s).toEqual({
      folds: 4,
      changes: 2,
      change_rate: 2 / 3,
      distinct_variants: 3,
      // lookback: |0| + |30| + |20| over 3 boundaries = 50/3, of a range of 30; `fixed` never varies in the grid.
      parameters: {
        lookback: { changes: 2, distinct: 3, mean_abs_change: 50 / 3, grid_range: 30, relative_change: 50 / 3 / 30 },
        side: { changes: 2, distinct: 2 },
      },
    });
  });

  it('one fold: nothing could change, so no rates; a parameter mixing numbers and text has no numeric moves', () => {
    const grid = [{ k: 1, mode: 'x' }, { k: 3, mode: 2 }];
    const one = parameterStability([{ id: 2, params: grid[1]! }], grid, ['k', 'mode']);
    expect(one).toEqual({
      folds: 1, changes: 0, change_rate: null, distinct_variants: 1,
      parameters: { k: { changes: 0, distinct: 1, mean_abs_change: null, grid_range: 2, relative_change: null }, mode: { changes: 0, distinct: 1 } },
    });
  });
});
