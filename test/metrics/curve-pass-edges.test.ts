import { describe, expect, it } from 'vitest';
import { curveStats, sortinoOf, turnoverOf, volatilityOf, sharpeOf } from '../../src/metrics/curve-pass.ts';
import { dailyReturns, sampleSd, sortino, turnover } from '../../src/metrics/index.ts';
import { allocateCurve } from '../../src/recorder/equity-curve.ts';

/**
 * curve-pass.ts at the edges its one-metric oracles define, with hand values: the downside
 * deviation, a drawdown that is still running at the last day, constant daily returns (no
 * dispersion, so no Sharpe), a mean equity of 0 or below (no turnover), a book that is one array
 * for gross and net (the one-symbol path's curve), and equity that is not positive on some day.
 */
function curve(equity: number[], gross?: number[], net?: number[], positions?: number[]) {
  const c = allocateCurve(equity.length);
  c.equity.set(equity);
  if (gross) c.gross.set(gross);
  if (net) c.net.set(net);
  if (positions) c.positions.set(positions);
  return c;
}

describe('curveStats by hand', () => {
  it('the downside deviation: √(Σ min(r − r_f, 0)² / days), with and without a risk-free rate', () => {
    // cash 100 → 110, 99, 99, 121: r = 0.1, −0.1, 0, 0.2̅.
    const c = curve([110, 99, 99, 121]);
    const s0 = curveStats(c, 100, 0);
    expect(s0.downside).toBeCloseTo(Math.sqrt(0.01 / 4), 15);
    const rf = 0.01;
    const s1 = curveStats(c, 100, rf);
    // r − r_f = 0.09, −0.11, −0.01, 0.2122…: losses −0.11 and −0.01.
    expect(s1.downside).toBeCloseTo(Math.sqrt((0.11 ** 2 + 0.01 ** 2) / 4), 15);
    const r = dailyReturns(c.equity, 100);
    expect(sortinoOf(s1, rf)).toBe(sortino(r, rf));
    expect(sortinoOf(s1, rf)!).toBeCloseTo(((s1.meanReturn! - rf) / s1.downside) * Math.sqrt(252), 12);
    // A curve that never loses has no downside, and no Sortino ratio.
    const up = curveStats(curve([101, 102, 103]), 100, 0);
    expect(up.downside).toBe(0);
    expect(sortinoOf(up, 0)).toBeNull();
  });

  it('a drawdown still running at the last day counts its days, and the worst drawdown is against the running peak', () => {
    // cash 100 → 120 (peak), 90, 96, 108: three days below 120, worst 90 / 120 − 1.
    const s = curveStats(curve([120, 90, 96, 108]), 100, 0);
    expect(s.maxDrawdown).toBe(90 / 120 - 1);
    expect(s.maxDrawdownDays).toBe(3);
    // Below the starting cash from day one: the cash is the first peak.
    const below = curveStats(curve([95, 97, 99]), 100, 0);
    expect(below.maxDrawdown).toBe(95 / 100 - 1);
    expect(below.maxDrawdownDays).toBe(3);
    // A run that ends at a new peak, then a shorter one: the longer is kept.
    const two = curveStats(curve([90, 95, 99, 101, 100, 102]), 100, 0);
    expect(two.maxDrawdownDays).toBe(3);
  });

  it('constant daily returns: sd 0 (not the rounding residue), volatility 0, no Sharpe ratio', () => {
    // Compounding at a constant rate: the recomputed returns differ by ulps only (sampleSd's rounding
    // bound makes them 0 where their spread is within 2 n ε max |r|; some compounded curves are not).
    for (const [x, n, zero] of [[0.002, 80, true], [0.04 / 252, 1000, true], [-0.0013, 7, false], [0.1, 50, false], [0.0005, 3000, false]] as const) {
      const equity: number[] = [];
      let e = 100_000;
      for (let k = 0; k < n; k++) equity.push((e *= 1 + x));
      const s = curveStats(curve(equity), 100_000, 0);
      expect(s.sd, `${x} × ${n}`).toBe(sampleSd(dailyReturns(Float64Array.from(equity), 100_000)));
      if (zero) {
        expect(s.sd, `${x} × ${n}`).toBe(0);
        expect(volatilityOf(s)).toBe(0);
        expect(sharpeOf(s, 0)).toBeNull();
      }
    }
    // …while a real dispersion of a part in 10⁸ is kept.
    const equity = [100_200, 100_400.4, 100_601.2008 * (1 + 1e-8)];
    const s = curveStats(curve(equity), 100_000, 0);
    expect(s.sd!).toBeGreaterThan(0);
    expect(s.sd).toBe(sampleSd(dailyReturns(Float64Array.from(equity), 100_000)));
  });

  it('turnover: none when the mean equity is 0 or negative; else half the notional over the mean equity, annualised', () => {
    expect(turnoverOf(1000, curveStats(curve([50, -50]), 100, 0))).toBeNull();
    expect(turnover(1000, Float64Array.of(50, -50))).toBeNull();
    expect(turnoverOf(1000, curveStats(curve([10, -30]), 100, 0))).toBeNull();
    expect(turnoverOf(1000, curveStats(curve([], [], []), 100, 0))).toBeNull();
    // mean equity 200 over 2 days: (1000 / 2 / 200) × 252 / 2.
    expect(turnoverOf(1000, curveStats(curve([100, 300]), 100, 0))).toBe((1000 / 2 / 200) * (252 / 2));
  });

  it('exposures: gross / equity and net / equity averaged, the largest gross kept, positions averaged', () => {
    const c = curve([100, 200, 50], [50, 300, 0], [-50, 100, 0], [1, 3, 0]);
    const s = curveStats(c, 100, 0);
    expect(s.grossExposure).toBe((0.5 + 1.5 + 0) / 3);
    expect(s.avgNetExposure).toBe((-0.5 + 0.5 + 0) / 3);
    expect(s.maxGrossExposure).toBe(1.5);
    expect(s.avgPositions).toBe(4 / 3);
    // One array for gross and net (a book never short): the same quotients for both.
    const one = Float64Array.of(50, 300, 0);
    const shared = curveStats({ equity: c.equity, gross: one, net: one, positions: c.positions }, 100, 0);
    expect(shared.avgNetExposure).toBe(shared.grossExposure);
    expect(shared.grossExposure).toBe(s.grossExposure);
  });

  it('exposure ratios need every day solvent: none when some day’s equity is 0 or negative, or without days', () => {
    for (const equity of [[100, 0, 100], [100, -1, 100], [0]]) {
      const s = curveStats(curve(equity, equity.map(() => 10), equity.map(() => 10)), 100, 0);
      expect(s.avgNetExposure, `${equity}`).toBeNull();
      expect(s.maxGrossExposure, `${equity}`).toBeNull();
    }
    const none = curveStats(curve([]), 100, 0);
    expect(none).toMatchObject({ days: 0, meanReturn: null, sd: null, maxDrawdown: null, maxDrawdownDays: 0, meanEquity: null, grossExposure: null, avgNetExposure: null, maxGrossExposure: null, avgPositions: null });
    // Two days: the first with a sample sd (n − 1 = 1): r = 0.1, −0.1 → sd = √(0.02 / 1).
    const two = curveStats(curve([110, 99]), 100, 0);
    expect(two.sd!).toBeCloseTo(Math.sqrt(0.02), 15);
    expect(two.sd).toBe(sampleSd(dailyReturns(Float64Array.of(110, 99), 100)));
    const one = curveStats(curve([101], [50], [50], [1]), 100, 0);
    expect(one.sd).toBeNull();
    expect(one.meanReturn).toBeCloseTo(0.01, 15);
    expect(one.avgNetExposure).toBe(50 / 101);
  });
});
