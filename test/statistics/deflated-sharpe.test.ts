import { describe, expect, it } from 'vitest';
import { deflatedSharpeThreshold, EULER_GAMMA, expectedMaxStandardNormal, minBacktestYears } from '../../src/statistics/deflated-sharpe.ts';
import { bisectionQuantile } from './reference-normal.ts';

/** The obvious e(N), with the test's own Φ⁻¹ (bisection on a Simpson Φ). */
function plainExpectedMax(n: number): number {
  return (1 - 0.5772156649015329) * bisectionQuantile(1 - 1 / n) + 0.5772156649015329 * bisectionQuantile(1 - 1 / (n * Math.E));
}

describe('SR₀ and MinBTL from the expected maximum of N skill-less Sharpes', () => {
  it('the DSR paper example: N = 100, V[SR] = 0.5 annualised (0.5/250 a day) → SR₀ ≈ 0.1132 a day', () => {
    expect(EULER_GAMMA).toBe(0.5772156649015329);
    expect(expectedMaxStandardNormal(100)).toBeCloseTo(2.5306028932016820, 13); // mpmath, 30 digits
    const sr0 = deflatedSharpeThreshold(0.5 / 250, 100);
    expect(sr0).toBeCloseTo(0.1132, 4);
    expect(sr0).toBeCloseTo(0.11317200186513203, 14);
    expect(sr0).toBeCloseTo(Math.sqrt(0.5 / 250) * plainExpectedMax(100), 10);
  });

  it('MinBTL for an expected maximum Sharpe of 1: N = 7 → 1.92 years, N = 45 → 5.0 years (Bailey et al. 2014)', () => {
    expect(minBacktestYears(7, 1)).toBeCloseTo(1.92, 2);
    expect(minBacktestYears(45, 1)).toBeCloseTo(5.0, 2);
    // mpmath, 30 digits: 1.9231434066641205, 4.9980870044434053, 6.4039510030807237, 10.595816068644811
    expect(minBacktestYears(7, 1)).toBeCloseTo(1.9231434066641205, 12);
    expect(minBacktestYears(45, 1)).toBeCloseTo(4.9980870044434053, 12);
    expect(minBacktestYears(100, 1)).toBeCloseTo(6.4039510030807237, 12);
    expect(minBacktestYears(1000, 1)).toBeCloseTo(10.595816068644811, 11);
    // the second route: after MinBTL years the expected best of N has an annualised Sharpe of exactly 1
    for (const n of [7, 45, 100]) expect(plainExpectedMax(n) / Math.sqrt(minBacktestYears(n, 1)!)).toBeCloseTo(1, 9);
  });

  it('scales with the target Sharpe: half the Sharpe needs four times the years', () => {
    expect(minBacktestYears(45, 0.5)! / minBacktestYears(45, 1)!).toBeCloseTo(4, 12);
    expect(minBacktestYears(45, 0)).toBeNull();
    expect(minBacktestYears(45, -1)).toBeNull();
  });

  it('one trial deflates nothing; the approximation is floored at 0 below N ≈ 1.284 and grows with N', () => {
    expect(expectedMaxStandardNormal(1)).toBe(0);
    expect(deflatedSharpeThreshold(0.004, 1)).toBe(0);
    expect(expectedMaxStandardNormal(1.2)).toBe(0); // the raw formula gives −0.117 there
    expect(plainExpectedMax(1.2)).toBeLessThan(0);
    expect(expectedMaxStandardNormal(1.5)).toBeCloseTo(plainExpectedMax(1.5), 9);
    let previous = 0;
    for (let n = 2; n <= 10_000; n *= 1.5) {
      const e = expectedMaxStandardNormal(n);
      expect(e).toBeGreaterThan(previous);
      expect(e).toBeLessThan(Math.sqrt(2 * Math.log(n)) + 0.5); // the classic √(2 ln N) growth
      previous = e;
    }
  });

  it('fewer than one trial, or one trial whose Sharpe variance is undefined (NaN), still deflate nothing', () => {
    // e(N) is documented as floored at 0 for every N ≤ 1.284: below N = 1 the raw formula has no value at all
    for (const n of [0, 0.5, 0.99]) expect(expectedMaxStandardNormal(n)).toBe(0);
    expect(expectedMaxStandardNormal(Number.NaN)).toBeNaN();
    // the sample variance of a single Sharpe ratio is 0/0: SR₀ is still 0, and the DSR is the PSR against 0
    expect(deflatedSharpeThreshold(Number.NaN, 1)).toBe(0);
    expect(deflatedSharpeThreshold(Number.NaN, 0.5)).toBe(0);
  });

  it('agrees with the plain formula for fractional (effective) N', () => {
    for (const n of [2, 3.7, 10, 31.4, 310, 1000]) expect(expectedMaxStandardNormal(n)).toBeCloseTo(plainExpectedMax(n), 9);
  });
});
