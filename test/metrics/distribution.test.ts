import { describe, expect, it } from 'vitest';
import { bestDay, conditionalValueAtRisk, positiveDays, valueAtRisk, worstDay } from '../../src/metrics/distribution.ts';
import { kurtosis, skewness } from '../../src/metrics/moments.ts';
import { selectInPlace } from '../../src/metrics/select.ts';
import { distributionMetrics } from '../../src/metrics/tear-sheet.ts';
import { near, normals, referenceStrategy, uniform } from './series.ts';

/** Second implementations: sort a copy and read the order statistics. */
function sortedVar(r: ArrayLike<number>, p: number): number {
  const x = Array.from(r).sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const j = Math.floor(h);
  return j + 1 < x.length ? x[j]! + (h - j) * (x[j + 1]! - x[j]!) : x[j]!;
}
function sortedCvar(r: ArrayLike<number>, p: number): number {
  const x = Array.from(r).sort((a, b) => a - b);
  const tail = x.slice(0, Math.floor((x.length - 1) * p) + 1);
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

describe('quickselect', () => {
  it('puts the k-th smallest at k, smaller before and larger after, for every k', () => {
    const u = uniform(3);
    const shapes: Array<(n: number) => number[]> = [
      (n) => Array.from({ length: n }, () => u()),
      (n) => Array.from({ length: n }, () => Math.floor(u() * 4)), // many ties
      (n) => Array.from({ length: n }, (_, k) => k), // sorted
      (n) => Array.from({ length: n }, (_, k) => n - k), // reversed
      (n) => Array.from({ length: n }, () => 7), // all equal
    ];
    for (const shape of shapes) {
      for (const n of [1, 2, 3, 5, 8, 13, 50]) {
        const values = shape(n);
        const sorted = [...values].sort((a, b) => a - b);
        for (let k = 0; k < n; k++) {
          const a = Float64Array.from(values);
          expect(selectInPlace(a, k)).toBe(sorted[k]);
          expect(a[k]).toBe(sorted[k]);
          for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(a[k]!);
          for (let i = k + 1; i < n; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[k]!);
          expect(Array.from(a).sort((x, y) => x - y)).toEqual(sorted); // a permutation
        }
      }
    }
  });
});

describe('VaR and CVaR (historical, daily)', () => {
  it('by hand: five returns, h = 4 × 0.05 = 0.2 between the two worst', () => {
    const r = [0.01, -0.02, 0.03, -0.05, 0];
    expect(valueAtRisk(r)).toBeCloseTo(-0.05 + 0.2 * 0.03, 15);
    expect(conditionalValueAtRisk(r)).toBe(-0.05); // ⌊0.2⌋ = 0: the single worst day
  });

  it('by hand: 21 returns, h = 1 exactly: VaR is the second worst, CVaR the mean of the two worst', () => {
    const r = Array.from({ length: 21 }, (_, k) => (k - 10) / 100); // −10 % … +10 %
    expect(valueAtRisk(r)).toBeCloseTo(-0.09, 15);
    expect(conditionalValueAtRisk(r)).toBeCloseTo(-0.095, 15);
  });

  it('against sorting, on 1,000 normal days and other cut-offs', () => {
    const r = normals(9, 1000, 0.0003, 0.012);
    for (const p of [0.01, 0.05, 0.1, 0.5, 0.99]) {
      expect(valueAtRisk(r, p)).toBe(sortedVar(r, p));
      expect(near(conditionalValueAtRisk(r, p), sortedCvar(r, p), 1e-14)).toBe(true);
    }
    expect(conditionalValueAtRisk(r)!).toBeLessThanOrEqual(valueAtRisk(r)!);
  });

  it('does not reorder the caller\'s returns', () => {
    const r = Float64Array.of(0.03, -0.01, 0.02, -0.04);
    valueAtRisk(r);
    conditionalValueAtRisk(r);
    expect(Array.from(r)).toEqual([0.03, -0.01, 0.02, -0.04]);
  });

  it('the cut-off\'s ends: p = 0 is the worst day, p = 1 the best (no value above it to interpolate to)', () => {
    const r = [0.01, -0.02, 0.03, -0.05, 0];
    expect(valueAtRisk(r, 0)).toBe(-0.05);
    expect(valueAtRisk(r, 1)).toBe(0.03);
  });

  it('one day, none', () => {
    expect(valueAtRisk([-0.02])).toBe(-0.02);
    expect(conditionalValueAtRisk([-0.02])).toBe(-0.02);
    expect(valueAtRisk([])).toBeNull();
    expect(conditionalValueAtRisk([])).toBeNull();
  });
});

describe('best, worst and positive days', () => {
  it('by hand; a flat day is not positive but counts in the denominator', () => {
    const r = [0.01, 0, -0.02, 0.03, 0];
    expect(bestDay(r)).toBe(0.03);
    expect(worstDay(r)).toBe(-0.02);
    expect(positiveDays(r)).toBe(2 / 5);
  });

  it('against Math.max / Math.min and a filter', () => {
    const r = Array.from(normals(4, 500, 0, 0.01));
    expect(bestDay(r)).toBe(Math.max(...r));
    expect(worstDay(r)).toBe(Math.min(...r));
    expect(positiveDays(r)).toBe(r.filter((x) => x > 0).length / r.length);
  });

  it('empty: null', () => {
    expect(bestDay([])).toBeNull();
    expect(worstDay([])).toBeNull();
    expect(positiveDays([])).toBeNull();
  });
});

describe('against empyrical and scipy on the same series', () => {
  // empyrical 0.5.5 (quantopian/empyrical commit 40f61b4f229df10898d46d08f7b1bdc543c0f99c), numpy 1.24.2, scipy 1.10.1:
  //   r = np.array([1.3 * (((k * 17 % 29) - 14) / 1000) + ((k * 11 % 13) - 6) / 2000 + 0.0003 for k in range(40)])
  //   ep.value_at_risk(r)                  # np.percentile(r, 5): h = 39 × 0.05 = 1.95
  //   ep.conditional_value_at_risk(r)      # mean of the ⌊1.95⌋ + 1 = 2 lowest
  //   scipy.stats.skew(r)                  # bias=True: population
  //   scipy.stats.kurtosis(r, fisher=False) # raw (normal = 3); pandas' kurt() would give excess, unbiased
  const REFERENCE = {
    var95: -0.01746,
    cvar95: -0.019749999999999997,
    skewness: -0.05806557541927315,
    kurtosis: 1.8853424104860887,
  };
  const r = referenceStrategy(40);

  it('var_95, cvar_95, skewness, kurtosis', () => {
    expect(near(valueAtRisk(r), REFERENCE.var95, 1e-14)).toBe(true);
    expect(near(conditionalValueAtRisk(r), REFERENCE.cvar95, 1e-14)).toBe(true);
    expect(near(skewness(r), REFERENCE.skewness, 1e-12)).toBe(true);
    expect(near(kurtosis(r), REFERENCE.kurtosis, 1e-12)).toBe(true);
  });

  it('distributionMetrics gathers them under their summary.csv names', () => {
    const m = distributionMetrics(r);
    expect(Object.keys(m)).toEqual(['skewness', 'kurtosis', 'var_95', 'cvar_95', 'best_day', 'worst_day', 'positive_days']);
    expect(m.var_95).toBe(valueAtRisk(r));
    expect(m.kurtosis).toBe(kurtosis(r));
    expect(m.positive_days).toBe(positiveDays(r));
  });
});
