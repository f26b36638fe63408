import { describe, expect, it } from 'vitest';
import { fsum } from '../../src/factors/exact-sum.ts';
import { WindowSums } from '../../src/factors/risk-adjusted-value.ts';

/**
 * The running sums behind riskAdjustedValue, checked directly: the factor's ill-conditioning guard
 * recomputes sums that went wrong before they reach a value, so only here do broken sums show.
 * After every slide, Σr and Σ(r − K)² (with their compensations) equal the exact sums over the
 * window (fsum), and the counts of returns and of zero returns are right.
 */
describe('WindowSums', () => {
  it('keeps exact sums, counts and zeros as returns enter and leave, missing ones included', () => {
    const L = 4;
    // two symbols' closes; null = missing; symbol 1 is flat for a while (zero returns)
    const closes = [
      [100, 50], [101.3, 50], [99.7, 50], [103.1, 50], [102.2, 50.5], [null, 50.5], [104.9, 50.5],
      [103.3, 50.5], [106.1, 50.5], [105.2, 49.9], [108.8, 51.2], [107.1, 51.2], [110.4, 51.3],
    ];
    const w = new WindowSums(2, L);
    const returns: number[][] = [[], []];
    for (let t = 1; t < closes.length; t++) {
      const now = Float64Array.from(closes[t]!, (x) => x ?? Number.NaN);
      const before = Float64Array.from(closes[t - 1]!, (x) => x ?? Number.NaN);
      w.slide(now, before, t % L);
      if (t === 6) w.reanchor(0); // a recompute mid-stream: sums stay exact around the new anchor
      for (let i = 0; i < 2; i++) {
        returns[i]!.push(now[i]! / before[i]! - 1);
        const window = returns[i]!.slice(-L).filter((r) => !Number.isNaN(r));
        const k = w.anchor[i]!;
        const at = `symbol ${i}, bar ${t}`;
        expect(w.count[i], at).toBe(window.length);
        expect(w.zeros[i], at).toBe(window.filter((r) => r === 0).length);
        expect(w.sum[i]! + w.sumComp[i]!, at).toBe(fsum(window));
        expect(w.sq[i]! + w.sqComp[i]! - fsum(window.map((r) => (r - k) * (r - k))), at).toBeCloseTo(0, 17);
      }
    }
  });

  it('re-anchors at the mean of the returns present', () => {
    const w = new WindowSums(1, 3);
    for (const [t, now, before] of [[1, 110, 100], [2, 99, 110], [3, 108.9, 99]] as const) w.slide(Float64Array.of(now), Float64Array.of(before), t % 3);
    w.reanchor(0);
    const r = [0.1, 99 / 110 - 1, 108.9 / 99 - 1];
    expect(w.anchor[0]).toBeCloseTo(fsum(r) / 3, 16);
    expect(w.sq[0]! + w.sqComp[0]!).toBeCloseTo(fsum(r.map((x) => (x - w.anchor[0]!) ** 2)), 16);
  });
});
