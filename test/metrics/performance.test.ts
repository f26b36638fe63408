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

  it('a ruined variant: its ratios are empty (RUIN_BLANKS), what it ended with is kept', () => {
    // cash 100 → 120 → 60 → 0: returns +20 %, −50 %, −100 %, a Sharpe ratio that means nothing for a bankrupt book
    const curve: EquityCurve = {
      equity: Float64Array.of(120, 60, 0),
      cash: Float64Array.of(0, 0, 0),
      net: Float64Array.of(120, 60, 0),
      gross: Float64Array.of(120, 60, 0),
      long: Float64Array.of(120, 60, 0),
      short: Float64Array.of(0, 0, 0),
      positions: Float64Array.of(1, 1, 0),
    };
    const input = { curve, startCash: 100, fills: 3, roundTrips: 1, tradedNotional: 240 };
    const solvent = performance(input);
    expect(solvent.sharpe).not.toBeNull(); // the same curve, not flagged: every ratio computed
    expect(solvent.volatility).not.toBeNull();
    const m = performance({ ...input, ruined: true });
    expect(Object.keys(m)).toEqual(PERFORMANCE_COLUMNS);
    expect([m.sharpe, m.sortino, m.calmar, m.volatility]).toEqual([null, null, null, null]);
    expect(m.final_equity).toBe(0);
    expect(m.total_return).toBe(-1);
    expect(m.max_drawdown).toBe(-1);
    expect([m.fills, m.round_trips]).toEqual([3, 1]);
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
    expect([...LOWER_IS_BETTER].sort()).toEqual([
      'cost_borrow', 'cost_commission', 'cost_impact', 'cost_slippage', 'cost_spread', 'cost_total_bps', 'ic_sd', 'max_drawdown_days',
      'min_track_record_days', 'tracking_error', 'turnover', 'unfilled_notional', 'volatility',
    ]);
  });

  it('whatever the input order: ties by variant number, then every missing value (null, undefined, NaN, ±∞, text) by variant number', () => {
    const items = [
      { id: 7, v: null as unknown }, { id: 3, v: 0.5 }, { id: 5, v: Number.NaN }, { id: 9, v: Number.NEGATIVE_INFINITY },
      { id: 2, v: 0.5 }, { id: 4, v: undefined }, { id: 1, v: 0.9 }, { id: 8, v: '0.7' }, { id: 6, v: 0.5 },
    ];
    expect(rankOrder(items, 'sharpe', (x) => x.v).map((x) => x.id)).toEqual([1, 2, 3, 6, 4, 5, 7, 8, 9]);
    expect(rankOrder(items, 'volatility', (x) => x.v).map((x) => x.id)).toEqual([2, 3, 6, 1, 4, 5, 7, 8, 9]);
  });

  it('does not reorder its input', () => {
    const before = rows.map((r) => r.id);
    order('sharpe');
    expect(rows.map((r) => r.id)).toEqual(before);
  });
});
