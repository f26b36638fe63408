import { describe, expect, it } from 'vitest';
import { dailyRiskFree } from '../../src/metrics/risk-free.ts';

describe('the daily risk-free rate of an annual one', () => {
  it('4 % a year: 1.04^(1/252) − 1 ≈ 0.00015565, and 252 days at it compound back to 4 %', () => {
    const r = dailyRiskFree(0.04);
    expect(r).toBeCloseTo(0.00015565, 9); // by hand: x = ln 1.04 / 252 = 0.0392207 / 252 = 0.000155638; e^x − 1 ≈ x + x²/2 = 0.000155650
    expect(r).toBeCloseTo(Math.expm1(Math.log1p(0.04) / 252), 15); // the same through logarithms
    let grown = 1;
    for (let d = 0; d < 252; d++) grown *= 1 + r;
    expect(grown).toBeCloseTo(1.04, 12);
  });

  it('a negative annual rate gives a negative daily one; none gives exactly 0', () => {
    expect(dailyRiskFree(-0.01)).toBeCloseTo(Math.expm1(Math.log1p(-0.01) / 252), 15);
    expect(dailyRiskFree(-0.01)).toBeLessThan(0);
    expect(dailyRiskFree(0)).toBe(0);
  });
});
