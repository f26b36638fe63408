import { describe, expect, it } from 'vitest';
import { avgNetExposure, avgPositions, grossExposure, maxGrossExposure } from '../../src/metrics/exposure.ts';
import { exposureMetrics } from '../../src/metrics/tear-sheet.ts';
import { normals } from './series.ts';

describe('exposure from per-day arrays', () => {
  const equity = [100, 200, 50];
  const gross = [150, 100, 100];
  const net = [50, -100, 25];
  const positions = [3, 2, 4];

  it('by hand', () => {
    expect(avgNetExposure(net, equity)).toBeCloseTo((0.5 - 0.5 + 0.5) / 3, 15);
    expect(maxGrossExposure(gross, equity)).toBe(2); // 100 / 50 on the last day
    expect(avgPositions(positions)).toBe(3);
  });

  it('against a map and reduce over 300 random days', () => {
    const e = Array.from(normals(51, 300, 1e6, 5e4));
    const g = Array.from(normals(52, 300, 1.5e6, 2e5), Math.abs);
    const nn = Array.from(normals(53, 300, 2e5, 3e5));
    expect(avgNetExposure(nn, e)).toBeCloseTo(nn.map((x, k) => x / e[k]!).reduce((s, x) => s + x, 0) / 300, 13);
    expect(maxGrossExposure(g, e)).toBe(Math.max(...g.map((x, k) => x / e[k]!)));
    expect(maxGrossExposure(g, e)!).toBeGreaterThanOrEqual(grossExposure(g, e)!); // the max is at least the mean
  });

  it('all cash: no exposure; no days or a curve at E ≤ 0: null', () => {
    expect(avgNetExposure([0, 0], [100, 101])).toBe(0);
    expect(maxGrossExposure([0, 0], [100, 101])).toBe(0);
    expect(avgPositions([0, 0])).toBe(0);
    expect(avgNetExposure([], [])).toBeNull();
    expect(maxGrossExposure([], [])).toBeNull();
    expect(avgPositions([])).toBeNull();
    expect(avgNetExposure([10, 10], [100, 0])).toBeNull();
    expect(maxGrossExposure([10, 10], [100, -5])).toBeNull();
  });

  it('exposureMetrics gathers them under their summary.csv names', () => {
    expect(exposureMetrics(equity, gross, net, positions)).toEqual({
      avg_net_exposure: avgNetExposure(net, equity),
      max_gross_exposure: 2,
      avg_positions: 3,
    });
  });
});
