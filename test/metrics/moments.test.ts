import { describe, expect, it } from 'vitest';
import { centralMoments, kurtosis, skewness } from '../../src/metrics/moments.ts';

describe('moments: population skewness and raw kurtosis (normal = 3)', () => {
  it('by hand: [1, 2, 3, 10]', () => {
    // mean 4; deviations −3, −2, −1, 6: m₂ = (9+4+1+36)/4 = 12.5, m₃ = (−27−8−1+216)/4 = 45, m₄ = (81+16+1+1296)/4 = 348.5
    const c = centralMoments([1, 2, 3, 10])!;
    expect(c.m2).toBe(12.5);
    expect(c.m3).toBe(45);
    expect(c.m4).toBe(348.5);
    expect(skewness([1, 2, 3, 10])).toBeCloseTo(45 / 12.5 ** 1.5, 14);
    expect(kurtosis([1, 2, 3, 10])).toBeCloseTo(348.5 / 156.25, 14);
  });

  it('a symmetric two-point series: skewness 0, kurtosis 1 (the smallest possible)', () => {
    expect(skewness([-1, 1, -1, 1])).toBe(0);
    expect(kurtosis([-1, 1, -1, 1])).toBe(1);
  });

  it('raw, not excess: 20,000 normal draws are near 3 (sd of the estimate ≈ √(24/n) ≈ 0.035; skewness ≈ √(6/n) ≈ 0.017)', () => {
    let s = 12345; // mulberry32
    const u = () => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const x = Array.from({ length: 20_000 }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    expect(kurtosis(x)!).toBeGreaterThan(2.85);
    expect(kurtosis(x)!).toBeLessThan(3.15);
    expect(Math.abs(skewness(x)!)).toBeLessThan(0.06);
  });

  it('undefined for a constant or one-value series', () => {
    expect(skewness([2, 2, 2])).toBeNull();
    expect(kurtosis([5])).toBeNull();
    expect(kurtosis([])).toBeNull();
  });
});
