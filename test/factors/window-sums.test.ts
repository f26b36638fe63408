import { describe, expect, it } from 'vitest';
import { fsum } from '../../src/factors/exact-sum.ts';
import { WindowSums } from '../../src/factors/risk-adjusted-value.ts';

/**
 * The running sums behind riskAdjustedValue, checked directly: the factor leaves ill-conditioned and
 * wild windows to the direct formula, so only here do broken sums show. After every slide, for the
 * returns in the window with |r| < 2: Σr = s1 + c1 and Σq = s2 + c2 (q = r² rounded to a 2⁻⁸⁸ grid)
 * exactly (fsum: Shewchuk), in canonical form (s = fl(s + c)); the counts of returns and of wild ones
 * are right.
 */
const Q = 2 ** 88;
const q = (r: number) => Math.round(r * r * Q) / Q;

describe('WindowSums', () => {
  it('keeps exact, canonical sums and counts as returns enter and leave, missing and wild ones included', () => {
    const L = 4;
    // two symbols' closes; null = missing; symbol 1 is flat for a while, then jumps (a return ≥ 2)
    const closes = [
      [100, 50], [101.3, 50], [99.7, 50], [103.1, 50], [102.2, 50.5], [null, 50.5], [104.9, 50.5],
      [103.3, 50.5], [106.1, 170], [105.2, 169.9], [108.8, 171.2], [107.1, 171.2], [110.4, 171.3], [111, 170],
    ];
    const w = new WindowSums(2, L);
    const returns: number[][] = [[], []];
    for (let t = 1; t < closes.length; t++) {
      const now = Float64Array.from(closes[t]!, (x) => x ?? Number.NaN);
      const before = Float64Array.from(closes[t - 1]!, (x) => x ?? Number.NaN);
      w.slide(now, before, t % L);
      for (let i = 0; i < 2; i++) {
        returns[i]!.push(now[i]! / before[i]! - 1);
        const window = returns[i]!.slice(-L).filter((r) => !Number.isNaN(r));
        const tame = window.filter((r) => Math.abs(r) < 2);
        const at = `symbol ${i}, bar ${t}`;
        expect(w.count[i], at).toBe(window.length);
        expect(w.big[i], at).toBe(window.length - tame.length);
        expect(w.s1[i]! + w.c1[i]!, at).toBe(fsum(tame));
        expect(fsum([w.s1[i]!, w.c1[i]!, ...tame.map((r) => -r)]), at).toBe(0);
        expect(fsum([w.s2[i]!, w.c2[i]!, ...tame.map((r) => -q(r))]), at).toBe(0);
        expect(w.s1[i]! + w.c1[i]!, `${at}: canonical`).toBe(w.s1[i]);
        expect(w.s2[i]! + w.c2[i]!, `${at}: canonical`).toBe(w.s2[i]);
      }
    }
    expect(returns[1]!.some((r) => r >= 2)).toBe(true); // the wild path was taken
  });

  it('the same window gives the same bits whatever came before', () => {
    const tail = [101, 100.5, 102.25, 101.75, 103];
    const a = new WindowSums(1, 4), b = new WindowSums(1, 4);
    const feed = (w: WindowSums, closes: number[]) => { for (let t = 1; t < closes.length; t++) w.slide(Float64Array.of(closes[t]!), Float64Array.of(closes[t - 1]!), t % 4); };
    feed(a, [100, 100.1, 99.3, 100.77, 98.2, 100, 101, ...tail.slice(1)]);
    feed(b, [37.5, 41.2, 36.9, 38.8, 100, 101, ...tail.slice(1)]);
    for (const k of ['s1', 'c1', 's2', 'c2'] as const) expect(Object.is(a[k][0], b[k][0]), k).toBe(true);
    const va = new Float64Array(1), vb = new Float64Array(1);
    a.emit(va); b.emit(vb);
    expect(va[0]).toBe(vb[0]);
    expect(Number.isFinite(va[0])).toBe(true);
  });
});
