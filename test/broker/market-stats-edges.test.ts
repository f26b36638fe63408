import { describe, expect, it } from 'vitest';
import { averageVolume, dailyVolatility, WindowStats } from '../../src/broker/market-stats.ts';

// The liquidity and impact models read ADV and σ (src/broker/market-stats.ts): they must be the
// definitions' values whatever the data — calm prices whose returns are a few millionths, and a
// symbol whose trading stops for longer than the window and then resumes.

/** σ by the textbook two-pass formula: mean first, then Σ(r − mean)² / (k − 1). */
function twoPassSd(r: readonly number[]): number {
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  return Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
}

describe('σ of calm returns (a few millionths a day, mean near 0)', () => {
  // one column; returns ±(1 … 3)·10⁻⁶ alternating in sign, so the mean is ~1e−7 and sd ~2e−6
  const bars = 60, days = 20;
  const close = new Float64Array(bars);
  close[0] = 100;
  for (let t = 1; t < bars; t++) close[t] = close[t - 1]! * (1 + (t % 2 ? 1 : -1) * (1 + (t % 3)) * 1e-6);
  const volume = new Float64Array(bars).fill(1000);
  const returns = (t: number) => Array.from({ length: days }, (_, k) => close[t - days + k]! / close[t - days + k - 1]! - 1);

  it('dailyVolatility is the sample sd of the returns to 1e−12 relative', () => {
    for (let t = days + 1; t < bars; t++) {
      const want = twoPassSd(returns(t));
      expect(want).toBeGreaterThan(1e-6);
      expect(Math.abs(dailyVolatility(close, 1, 0, t, days) - want) / want, `bar ${t}`).toBeLessThan(1e-12);
    }
  });

  it('the sliding window the simulation keeps gives it too, to 1e−9 relative', () => {
    const stats = new WindowStats(close, volume, 1, days);
    for (let t = 0; t < bars; t++) {
      stats.at(0, t); // consecutive bars: the window slides
      if (t < days + 1) continue;
      const want = twoPassSd(returns(t));
      expect(Math.abs(stats.sigma[0]! - want) / want, `bar ${t}`).toBeLessThan(1e-9);
      expect(stats.adv[0]).toBe(1000);
    }
  });
});

describe('a symbol that stops trading for longer than the window, then resumes', () => {
  // bars 0–7: large, fractional (split-adjusted) volumes and moving prices; bars 8–19: no close and
  // no volume (suspended); from bar 20: small volumes and a price that does not move.
  const bars = 30, days = 5;
  const close = new Float64Array(bars).fill(NaN), volume = new Float64Array(bars).fill(NaN);
  const early = [1e9 + 0.3, 7e8 + 0.7, 1.3e9 + 0.1, 9e8 + 0.9, 1.1e9 + 0.2, 8e8 + 0.6, 1.2e9 + 0.4, 6e8 + 0.8];
  const earlyClose = [10, 11.1, 9.7, 10.3, 10.1, 11.7, 9.4, 10.6];
  early.forEach((v, t) => { volume[t] = v; close[t] = earlyClose[t]!; });
  for (let t = 20; t < bars; t++) { volume[t] = 0.5 + (t % 2) * 0.25; close[t] = 12.34; }

  it('ADV after the gap is the mean of the new volumes alone, and σ of the unmoving price is exactly 0', () => {
    const stats = new WindowStats(close, volume, 1, days);
    for (let t = 0; t < bars; t++) {
      stats.at(0, t);
      const adv = averageVolume(volume, 1, 0, t, days), sigma = dailyVolatility(close, 1, 0, t, days);
      if (t >= 13 && t <= 20) expect(stats.adv[0], `bar ${t}`).toBeNaN(); // nothing traded in the window
      if (t >= 22) {
        const v = Array.from({ length: days }, (_, k) => volume[t - days + k]!).filter((x) => x === x);
        expect(stats.adv[0], `bar ${t}`).toBe(v.reduce((s, x) => s + x, 0) / v.length); // 0.5s and 0.75s: exact
        expect(adv).toBe(stats.adv[0]);
      }
      if (t >= 23) {
        expect(stats.sigma[0], `bar ${t}`).toBe(0); // returns of exactly 0: no volatility, no impact from it
        expect(sigma).toBe(0);
      }
    }
  });
});
