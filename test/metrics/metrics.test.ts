import { describe, expect, it } from 'vitest';
import {
  cagr, calmar, dailyReturns, drawdowns, grossExposure, maxDrawdown, maxDrawdownDays, sharpe, sortino, totalReturn, turnover, volatility,
} from '../../src/metrics/index.ts';

const SQRT252 = Math.sqrt(252);

describe('metrics, by hand', () => {
  // cash 100 → 105 → 94.5 → 113.4: returns 5 %, −10 %, +20 %
  const equity = [105, 94.5, 113.4];
  const r = dailyReturns(equity, 100);

  it('returns: the first against the starting cash', () => {
    expect(Array.from(r).map((x) => +x.toFixed(12))).toEqual([0.05, -0.1, 0.2]);
  });

  it('total return, cagr', () => {
    expect(totalReturn(equity, 100)).toBeCloseTo(0.134, 12);
    expect(cagr(equity, 100)! / (1.134 ** (252 / 3) - 1)).toBeCloseTo(1, 12);
  });

  it('volatility, sharpe and sortino (mean 0.05, sd 0.15, downside √(0.01/3))', () => {
    expect(volatility(r)).toBeCloseTo(0.15 * SQRT252, 12);
    expect(sharpe(r)).toBeCloseTo((0.05 / 0.15) * SQRT252, 12);
    expect(sortino(r)).toBeCloseTo((0.05 / Math.sqrt(0.01 / 3)) * SQRT252, 12);
  });

  it('drawdown: −10 % for one day, calmar = cagr / 0.1', () => {
    const dd = drawdowns(equity, 100);
    expect(Array.from(dd).map((x) => +x.toFixed(12))).toEqual([0, -0.1, 0]);
    expect(maxDrawdown(dd)).toBeCloseTo(-0.1, 12);
    expect(maxDrawdownDays(dd)).toBe(1);
    expect(calmar(cagr(equity, 100), maxDrawdown(dd))! / ((1.134 ** 84 - 1) / 0.1)).toBeCloseTo(1, 12);
  });

  it('several drawdowns: the deepest and the longest are measured apart', () => {
    const e = [100, 90, 95, 100, 80, 85, 90, 101, 99];
    const dd = drawdowns(e, 100);
    expect(maxDrawdown(dd)).toBeCloseTo(-0.2, 12);
    expect(maxDrawdownDays(dd)).toBe(3); // 80, 85, 90 under the 100 peak
  });

  it('a drawdown from the starting cash counts (the first day can be under water)', () => {
    const dd = drawdowns([90], 100);
    expect(maxDrawdown(dd)).toBeCloseTo(-0.1, 12);
    expect(maxDrawdownDays(dd)).toBe(1);
    expect(sortino(dailyReturns([90], 100))).toBeCloseTo(-SQRT252, 12);
    expect(volatility(dailyReturns([90], 100))).toBeNull();
    expect(sharpe(dailyReturns([90], 100))).toBeNull();
  });

  it('flat equity: no volatility, no ratio', () => {
    const flat = [100, 100, 100];
    const fr = dailyReturns(flat, 100);
    expect(volatility(fr)).toBe(0);
    expect(sharpe(fr)).toBeNull();
    expect(sortino(fr)).toBeNull();
    expect(cagr(flat, 100)).toBe(0);
    expect(maxDrawdown(drawdowns(flat, 100))).toBe(0);
    expect(calmar(0, 0)).toBeNull();
  });

  it('empty: nothing to say', () => {
    expect(totalReturn([], 100)).toBeNull();
    expect(cagr([], 100)).toBeNull();
    expect(sharpe([])).toBeNull();
    expect(sortino([])).toBeNull();
    expect(maxDrawdown([])).toBeNull();
    expect(maxDrawdownDays([])).toBe(0);
  });

  it('turnover: half the traded notional over mean equity, per year', () => {
    const e = new Array(252).fill(100);
    expect(turnover(200, e)).toBeCloseTo(1, 12);
    expect(turnover(200, e.slice(0, 126))).toBeCloseTo(2, 12);
  });

  it('gross exposure: the mean of gross ÷ equity', () => {
    expect(grossExposure([50, 100], [100, 100])).toBeCloseTo(0.75, 12);
  });
});
