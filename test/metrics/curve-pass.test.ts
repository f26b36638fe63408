import { describe, expect, it } from 'vitest';
import { curveStats } from '../../src/metrics/curve-pass.ts';
import { dailyReturns, drawdowns, grossExposure, maxDrawdown, maxDrawdownDays, performance, sampleSd, sharpe, sortino, turnover, volatility } from '../../src/metrics/index.ts';
import { avgNetExposure, avgPositions, maxGrossExposure } from '../../src/metrics/exposure.ts';
import { mean } from '../../src/metrics/returns.ts';
import { allocateCurve } from '../../src/recorder/equity-curve.ts';

/**
 * The one-pass curve statistics against the one-metric functions they replace in a variant's
 * measurement (each tested against hand values in metrics.test.ts and exposure.test.ts): equal
 * bit for bit (Object.is), on random curves and at the edges — no day, one day, a constant curve,
 * equity at or below 0, a risk-free rate.
 */
function curveOf(equity: number[], seed = 1) {
  const c = allocateCurve(equity.length);
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  equity.forEach((e, k) => {
    c.equity[k] = e;
    const held = rand() < 0.7;
    c.net[k] = held ? (rand() - 0.3) * e : 0;
    c.gross[k] = Math.abs(c.net[k]!) * (1 + rand());
    c.positions[k] = held ? Math.ceil(rand() * 5) : 0;
  });
  return c;
}

function walk(days: number, seed: number, vol = 0.02): number[] {
  let s = seed, e = 100_000;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: days }, () => (e *= 1 + (rand() - 0.5) * vol * 2));
}

const CASES: Array<[string, number[]]> = [
  ['none', []],
  ['one day', [101_000]],
  ['constant', Array(50).fill(100_000)],
  ['a walk', walk(1000, 3)],
  ['a long walk', walk(5036, 5, 0.05)],
  ['through zero', [...walk(30, 7), 0, 0, -5, 0]],
  ['below the start only', [99_000, 98_000, 97_500]],
];

describe('curveStats', () => {
  for (const [name, equity] of CASES) {
    for (const rf of [0, 0.0001]) {
      it(`${name}, r_f ${rf}: the one-metric functions' values, bit for bit`, () => {
        const curve = curveOf(equity);
        const cash = 100_000;
        const s = curveStats(curve, cash, rf);
        const r = dailyReturns(curve.equity, cash), dd = drawdowns(curve.equity, cash);
        const same = (a: unknown, b: unknown, what: string) => expect(Object.is(a, b), `${what}: ${a} vs ${b}`).toBe(true);
        same(s.meanReturn, mean(r), 'mean');
        same(s.sd, sampleSd(r), 'sd');
        same(s.maxDrawdown, maxDrawdown(dd), 'max drawdown');
        same(s.maxDrawdownDays, maxDrawdownDays(dd), 'max drawdown days');
        same(s.grossExposure, grossExposure(curve.gross, curve.equity), 'gross exposure');
        same(s.avgNetExposure, avgNetExposure(curve.net, curve.equity), 'avg net exposure');
        same(s.maxGrossExposure, maxGrossExposure(curve.gross, curve.equity), 'max gross exposure');
        same(s.avgPositions, avgPositions(curve.positions), 'avg positions');
        const p = performance({ curve, startCash: cash, fills: 3, roundTrips: 1, tradedNotional: 12_345, riskFree: rf });
        same(p.volatility, volatility(r), 'volatility');
        same(p.sharpe, sharpe(r, rf), 'sharpe');
        same(p.sortino, sortino(r, rf), 'sortino');
        same(p.turnover, turnover(12_345, curve.equity), 'turnover');
        same(p.max_drawdown, maxDrawdown(dd), 'performance max drawdown');
      });
    }
  }
});
