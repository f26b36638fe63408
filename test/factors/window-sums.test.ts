import { describe, expect, it } from 'vitest';
import { fsum } from '../../src/factors/exact-sum.ts';
import { WindowSums } from '../../src/factors/risk-adjusted-value.ts';

/**
 * The running sums behind riskAdjustedValue, checked directly: the factor leaves ill-conditioned and
 * wild windows to the direct formula, so only here do broken sums show. After every slide, for the
 * returns in the window with |r| < 2: Σr = s1 + c1 and Σq = s2 + c2 (q = r² rounded to a 2⁻⁸⁸ grid)
 * exactly (fsum: Shewchuk), and in canonical form (s = fl(s + c)) after emit(); the counts of returns
 * and of wild ones are right.
 */
const Q = 2 ** 88;
/** Symbol i's sums as named above, and its counts (the layout WindowSums documents: symbols in pairs, one a lane). */
const pairs = (w: WindowSums, i: number) => {
  const k = 8 * (i >> 1) + (i & 1);
  return { s1: w.sums[k]!, c1: w.sums[k + 2]!, s2: w.sums[k + 4]!, c2: w.sums[k + 6]! };
};
const counts = (w: WindowSums, i: number) => ({ count: w.counts[4 * (i >> 1) + (i & 1)]!, big: w.counts[4 * (i >> 1) + 2 + (i & 1)]! });
const q = (r: number) => Math.round(r * r * Q) / Q;

describe('WindowSums', () => {
  it('keeps exact, canonical sums and counts as returns enter and leave, missing and wild ones included', () => {
    const L = 4;
    // two symbols' closes; null = missing; symbol 1 is flat for a while, then jumps (a return ≥ 2)
    const closes = [
      [100, 50], [101.3, 50], [99.7, 50], [103.1, 50], [102.2, 50.5], [null, 50.5], [104.9, 50.5],
      [103.3, 50.5], [106.1, 170], [105.2, 169.9], [108.8, 171.2], [107.1, 171.2], [110.4, 171.3], [111, 170],
      [111.5, 170], [112, 510], [111.2, 509], [110.9, 508], [111.3, 507], [111.9, 506], // 170 → 510: a return of exactly 2, wild
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
        expect(counts(w, i), at).toEqual({ count: window.length, big: window.length - tame.length });
        const p = pairs(w, i);
        expect(p.s1 + p.c1, at).toBe(fsum(tame));
        expect(fsum([p.s1, p.c1, ...tame.map((r) => -r)]), at).toBe(0);
        expect(fsum([p.s2, p.c2, ...tame.map((r) => -q(r))]), at).toBe(0);
      }
      const held = [0, 1].map((i) => pairs(w, i));
      w.emit(new Float64Array(2));
      for (let i = 0; i < 2; i++) {
        const at = `symbol ${i}, bar ${t}`;
        const p = pairs(w, i), b = held[i]!;
        expect(p.s1 + p.c1, `${at}: canonical`).toBe(p.s1);
        expect(p.s2 + p.c2, `${at}: canonical`).toBe(p.s2);
        expect(fsum([p.s1, p.c1, -b.s1, -b.c1]), `${at}: the same sum`).toBe(0);
        expect(fsum([p.s2, p.c2, -b.s2, -b.c2]), `${at}: the same sum`).toBe(0);
      }
    }
    expect(returns[1]!.some((r) => r >= 2)).toBe(true); // the wild path was taken
    expect(returns[1]!.includes(2)).toBe(true); // at its edge too: |r| < 2 is tame
  });

  it('the same window gives the same bits whatever came before', () => {
    const tail = [101, 100.5, 102.25, 101.75, 103];
    const a = new WindowSums(1, 4), b = new WindowSums(1, 4);
    const feed = (w: WindowSums, closes: number[]) => { for (let t = 1; t < closes.length; t++) w.slide(Float64Array.of(closes[t]!), Float64Array.of(closes[t - 1]!), t % 4); };
    feed(a, [100, 100.1, 99.3, 100.77, 98.2, 100, 101, ...tail.slice(1)]);
    feed(b, [37.5, 41.2, 36.9, 38.8, 100, 101, ...tail.slice(1)]);
    const va = new Float64Array(1), vb = new Float64Array(1);
    a.emit(va); b.emit(vb);
    for (const k of ['s1', 'c1', 's2', 'c2'] as const) expect(Object.is(pairs(a, 0)[k], pairs(b, 0)[k]), k).toBe(true);
    expect(va[0]).toBe(vb[0]);
    expect(Number.isFinite(va[0])).toBe(true);
  });

  it('keeps Σq exact where tiny returns pile up in its low word beside a large sum (slide brings it back)', () => {
    // Between emits, slide() lets the low words drift and brings them back past 2⁻³⁷. Here a long
    // window of wild-but-tame returns (×2.5–2.95, then back) keeps Σq near 2¹³, where an ulp is 2⁻³⁹,
    // and the tiny returns between them (≈ 1e−6: q ≈ 1e−12, with bits down to 2⁻⁸⁸) fall whole into
    // the low word: without the bringing back it passes 2⁻³⁵ and loses bits (checked: 23 of these
    // checks then fail).
    const L = 8192, bars = 14_000;
    const w = new WindowSums(1, L);
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const returns: number[] = [];
    let p = 1;
    for (let t = 1; t < bars; t++) {
      const before = p;
      p = t % 4 === 0 ? p * (2.5 + 0.45 * rnd()) : t % 4 === 2 ? p / (2.5 + 0.45 * rnd()) : p * (1 + 1e-6 * rnd());
      w.slide(Float64Array.of(p), Float64Array.of(before), t % L);
      returns.push(p / before - 1);
      expect(Math.abs(pairs(w, 0).c2), `bar ${t}`).toBeLessThanOrEqual(3 * 2 ** -37);
      if (t > L && t % 250 === 0) {
        const window = returns.slice(-L);
        const p = pairs(w, 0);
        expect(fsum([p.s2, p.c2, ...window.map((r) => -q(r))]), `bar ${t}: Σq`).toBe(0);
        expect(fsum([p.s1, p.c1, ...window.map((r) => -r)]), `bar ${t}: Σr`).toBe(0);
      }
    }
    expect(pairs(w, 0).s2).toBeGreaterThan(2 ** 12);
    expect(returns.filter((r) => Math.abs(r) < 2 ** -17.5).length).toBeGreaterThan(bars / 3); // the tiny ones, rounded to the grid
  });

  it('keeps Σq exact as the tiny returns leave a large sum (the low word drifting below zero)', () => {
    // A window of wild-but-tame returns with tiny ones between, then only wild ones: as the tiny
    // returns leave, their q is taken out of the low word whole, and it drifts down, past −2⁻³⁵
    // without the bringing back.
    const L = 8192;
    const w = new WindowSums(1, L);
    let seed = 777;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const returns: number[] = [];
    let p = 1, least = 0;
    for (let t = 1; t < 3 * L; t++) {
      const before = p;
      const tiny = t < L && t % 2 === 1;
      p = tiny ? p * (1 + 1e-6 * rnd()) : t % 4 < 2 ? p * (2.5 + 0.45 * rnd()) : p / (2.5 + 0.45 * rnd());
      w.slide(Float64Array.of(p), Float64Array.of(before), t % L);
      returns.push(p / before - 1);
      const c2 = pairs(w, 0).c2;
      least = Math.min(least, c2);
      expect(Math.abs(c2), `bar ${t}`).toBeLessThanOrEqual(3 * 2 ** -37);
      if (t > L && t % 512 === 0) {
        const window = returns.slice(-L);
        expect(fsum([pairs(w, 0).s2, c2, ...window.map((r) => -q(r))]), `bar ${t}: Σq`).toBe(0);
      }
    }
    expect(least).toBeLessThan(-(2 ** -38)); // it did drift down
  });
});
