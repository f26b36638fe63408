import { describe, expect, it } from 'vitest';
import { curveStats, sortinoOf, turnoverOf, volatilityOf, sharpeOf } from '../../src/metrics/curve-pass.ts';
import { squaredLoss } from '../../src/metrics/sortino.ts';
import { dailyReturns, drawdowns, grossExposure, maxDrawdown, maxDrawdownDays, sampleSd, sortino, turnover } from '../../src/metrics/index.ts';
import { avgNetExposure, maxGrossExposure } from '../../src/metrics/exposure.ts';
import { mean } from '../../src/metrics/returns.ts';
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
  it('a day that repeats the day before (equity, gross and net) has its quotients; 0 and ±∞ repeated are not repeats (0 / 0 and ∞ / ∞ are NaN)', () => {
    // By hand: cash 100 → 110, 110, 110 (flat, r = 0 twice), 99, 99: r = 0.1, 0, 0, −0.1, 0;
    // the peak 110 from day one, 99 / 110 − 1 on the last two days (two days below it).
    const c = curve([110, 110, 110, 99, 99], [55, 55, 55, 33, 33], [55, 55, 55, -33, -33], [1, 1, 1, 1, 1]);
    const s = curveStats(c, 100, 0.001);
    expect(s.meanReturn).toBe(((110 / 100 - 1) + 0 + 0 + (99 / 110 - 1) + 0) / 5);
    expect(s.maxDrawdown).toBe(99 / 110 - 1);
    expect(s.maxDrawdownDays).toBe(2);
    expect(s.grossExposure).toBe((0.5 + 0.5 + 0.5 + 1 / 3 + 1 / 3) / 5);
    expect(s.avgNetExposure).toBe((0.5 + 0.5 + 0.5 - 1 / 3 - 1 / 3) / 5);
    // r − r_f = 0.099, −0.001, −0.001, −0.101, −0.001: the repeated days' losses count.
    expect(s.downside).toBe(Math.sqrt((0 + 0.001 ** 2 + 0.001 ** 2 + (99 / 110 - 1 - 0.001) ** 2 + 0.001 ** 2) / 5));
    // Each against the one-metric functions, bit for bit, on repeats of every kind: a day that
    // repeats equity only (gross or net differs), and 0, −0, ±∞ and NaN repeated.
    const cases: Array<[number[], number[], number[]]> = [
      [[110, 110, 110, 99, 99], [55, 55, 55, 33, 33], [55, 55, 55, -33, -33]],
      [[110, 110, 110, 110], [55, 60, 60, 60], [55, 55, 50, 50]],
      [[100, 0, 0, -0, 0, 120, 120], [10, 10, 10, 10, 10, 10, 10], [10, 10, 10, 10, 10, 10, 10]],
      [[100, Infinity, Infinity, 120, -Infinity, -Infinity], [10, 10, 10, 10, 10, 10], [1, 1, 1, 1, 1, 1]],
      [[100, Infinity, Infinity], [10, 10, 10], [1, 1, 1]], // Σ r = ∞ + NaN: a mean of NaN, not ∞
      [[100, -Infinity, -Infinity], [10, 10, 10], [1, 1, 1]],
      [[100, NaN, NaN, 100, 100], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
      [[100, 100, 100], [NaN, NaN, NaN], [0, 0, 0]],
      [[100, 100, 100], [5, 5, 5], [NaN, NaN, NaN]],
    ];
    for (const [equity, gross, net] of cases) {
      for (const rf of [0, 0.001]) {
        const k = curve(equity, gross, net, equity.map(() => 2));
        const got = curveStats(k, 100, rf);
        const r = dailyReturns(k.equity, 100), dd = drawdowns(k.equity, 100);
        const same = (a: unknown, b: unknown, what: string) => expect(Object.is(a, b), `${equity} ${gross} ${net} r_f ${rf}, ${what}: ${a} vs ${b}`).toBe(true);
        same(got.meanReturn, mean(r), 'mean');
        same(got.sd, sampleSd(r), 'sd');
        same(sortinoOf(got, rf), sortino(r, rf), 'sortino');
        same(got.maxDrawdown, maxDrawdown(dd), 'max drawdown');
        same(got.maxDrawdownDays, maxDrawdownDays(dd), 'max drawdown days');
        same(got.grossExposure, grossExposure(k.gross, k.equity), 'gross exposure');
        same(got.avgNetExposure, avgNetExposure(k.net, k.equity), 'avg net exposure');
        same(got.maxGrossExposure, maxGrossExposure(k.gross, k.equity), 'max gross exposure');
      }
    }
  });
  it('squaredLoss is min(x, 0)² exactly: at 0, −0, ±∞, NaN, the subnormals, the overflow of 2x, and on random bit patterns', () => {
    // By hand: min(−3, 0)² = 9, min(2, 0)² = 0, min(+∞, 0)² = 0, min(−∞, 0)² = +∞.
    expect(squaredLoss(-3)).toBe(9);
    expect(squaredLoss(2)).toBe(0);
    expect(squaredLoss(Infinity)).toBe(0);
    expect(squaredLoss(-Infinity)).toBe(Infinity);
    expect(squaredLoss(NaN)).toBeNaN();
    expect(Object.is(squaredLoss(-0), 0)).toBe(true);
    const check = (x: number) => {
      const m = Math.min(x, 0);
      expect(Object.is(squaredLoss(x), m * m), `${x}`).toBe(true);
    };
    for (const x of [0, -0, 5e-324, -5e-324, -2.2250738585072014e-308, -1e-160, -1e154, -1e155, -Number.MAX_VALUE, Number.MAX_VALUE, -0.013, 0.013]) check(x);
    const bits = new BigUint64Array(1), value = new Float64Array(bits.buffer);
    let s = 12345n;
    for (let k = 0; k < 20_000; k++) {
      s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      bits[0] = s;
      check(value[0]!);
    }
  });
});
