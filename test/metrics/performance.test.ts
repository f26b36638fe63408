import { describe, expect, it } from 'vitest';
import { LOWER_IS_BETTER, PERFORMANCE_COLUMNS, performance, rankOrder } from '../../src/metrics/index.ts';
import { allocateCurve, type EquityCurve } from '../../src/recorder/equity-curve.ts';

const SQRT252 = Math.sqrt(252);

describe('performance: every metric of a run, by its summary.csv column', () => {
  it('on a curve known by hand', () => {
    // cash 100 → 105 → 94.5 → 113.4: returns 5 %, −10 %, +20 % (mean 0.05, sd 0.15); one −10 % drawdown day
    const curve: EquityCurve = {
      equity: Float64Array.of(105, 94.5, 113.4),
      cash: Float64Array.of(0, 0, 0),
      net: Float64Array.of(105, 94.5, 113.4),
      gross: Float64Array.of(52.5, 94.5, 56.7),
      long: Float64Array.of(105, 94.5, 113.4),
      short: Float64Array.of(0, 0, 0),
      positions: Float64Array.of(1, 1, 1),
    };
    const m = performance({ curve, startCash: 100, fills: 7, roundTrips: 2, tradedNotional: 313.9 });
    const growth = 1.134 ** (252 / 3) - 1;
    expect(Object.keys(m)).toEqual(PERFORMANCE_COLUMNS);
    expect(m.final_equity).toBe(113.4);
    expect(m.total_return).toBeCloseTo(0.134, 12);
    expect(m.cagr! / growth).toBeCloseTo(1, 12);
    expect(m.volatility).toBeCloseTo(0.15 * SQRT252, 12);
    expect(m.sharpe).toBeCloseTo((0.05 / 0.15) * SQRT252, 12);
    expect(m.sortino).toBeCloseTo((0.05 / Math.sqrt(0.01 / 3)) * SQRT252, 12);
    expect(m.max_drawdown).toBeCloseTo(-0.1, 12);
    expect(m.max_drawdown_days).toBe(1);
    expect(m.calmar! / (growth / 0.1)).toBeCloseTo(1, 12);
    expect([m.fills, m.round_trips]).toEqual([7, 2]);
    expect(m.turnover).toBeCloseTo((313.9 / 2 / 104.3) * (252 / 3), 12); // mean equity 104.3
    expect(m.gross_exposure).toBeCloseTo((0.5 + 1 + 0.5) / 3, 12);
  });

  it('an empty curve has no final equity', () => {
    const empty: EquityCurve = allocateCurve(0);
    expect(performance({ curve: empty, startCash: 100, fills: 0, roundTrips: 0, tradedNotional: 0 })).toMatchObject({ final_equity: null, total_return: null, max_drawdown: null });
  });
});

describe('rankOrder: best first by a metric', () => {
  const rows = [
    { id: 1, sharpe: 0.5, volatility: 0.2 },
    { id: 2, sharpe: null, volatility: null },
    { id: 3, sharpe: 1.5, volatility: 0.1 },
    { id: 4, sharpe: 0.5, volatility: 0.3 },
    { id: 5, sharpe: Number.NaN, volatility: Number.POSITIVE_INFINITY },
    { id: 6, sharpe: -2, volatility: 0.1 },
  ];
  const order = (metric: 'sharpe' | 'volatility') => rankOrder(rows, metric, (r) => r[metric]).map((r) => r.id);

  it('larger first for most metrics, ties by variant number, missing or non-finite values last', () => {
    expect(order('sharpe')).toEqual([3, 1, 4, 6, 2, 5]);
  });

  it('smaller first for the metrics where less is better', () => {
    expect(order('volatility')).toEqual([3, 6, 1, 4, 2, 5]);
    expect([...LOWER_IS_BETTER].sort()).toEqual(['ic_sd', 'max_drawdown_days', 'turnover', 'volatility']);
  });

  it('does not reorder its input', () => {
    const before = rows.map((r) => r.id);
    order('sharpe');
    expect(rows.map((r) => r.id)).toEqual(before);
  });
});
