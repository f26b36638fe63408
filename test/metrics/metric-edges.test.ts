import { describe, expect, it } from 'vitest';
import { cagr } from '../../src/metrics/cagr.ts';
import { calmar } from '../../src/metrics/calmar.ts';
import { grossExposure } from '../../src/metrics/exposure.ts';
import { centralMoments, kurtosis, skewness } from '../../src/metrics/moments.ts';
import { turnover } from '../../src/metrics/turnover.ts';

/** Runs that end at or below zero, and series too short or too flat for a statistic: no value, not a number that means nothing. */
describe('metrics at their edges', () => {
  it('cagr: none when the run ends with nothing or less', () => {
    expect(cagr([50, 0], 100)).toBeNull();
    expect(cagr([50, -20], 100)).toBeNull();
    expect(cagr([100, 121], 100)).toBeCloseTo(1.21 ** 126 - 1, 6);
  });

  it('calmar: none without a cagr', () => {
    expect(calmar(null, -0.1)).toBeNull();
    expect(calmar(0.2, -0.1)).toBeCloseTo(2, 14);
  });

  it('gross exposure and turnover: none without days, and turnover none when mean equity is not positive', () => {
    expect(grossExposure([], [])).toBeNull();
    expect(turnover(100, [])).toBeNull();
    expect(turnover(100, [0, 0])).toBeNull();
    expect(turnover(100, [-50, -10])).toBeNull();
    expect(turnover(100, [50, 50])).toBeCloseTo(1 * 126, 12);
  });

  it('moments: none for an empty series; skewness and kurtosis none without dispersion', () => {
    expect(centralMoments([])).toBeNull();
    expect(skewness([])).toBeNull();
    expect(kurtosis([])).toBeNull();
    expect(skewness([5, 5, 5])).toBeNull();
    expect(kurtosis([5, 5, 5])).toBeNull();
    expect(skewness([5])).toBeNull();
  });
});
