import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import { topK } from '../../src/factors/select.ts';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { directValue, directVopa } from './reference.ts';

const SQRT252 = Math.sqrt(252);

// Returns chosen by hand (two per symbol, L = 2): v = mean / sd × √252 with sd = |r₁ − r₂| / √2.
const hand = handPanel({
  dates: businessDates('2024-01-01', 3),
  symbols: ['A1', 'A2', 'A3', 'B1', 'B2', 'C1'],
  groups: ['A', 'A', 'A', 'B', 'B', 'C'],
  close: [
    [100, 100, 50, 10, 20, 30],
    [102, 101, 49, 11, 19, 30], // r₁: +2 %, +1 %, −2 %, +10 %, −5 %, 0
    [102, 103.02, 49.98, 11.55, 19.95, 30], // r₂: 0, +2 %, +2 %, +5 %, +5 %, 0
  ],
});

describe('VOPA kernels on a hand-made panel', () => {
  // Computed inside each test, not while the tests are collected, so that a mutation run
  // (npm run mutate) attributes the kernels' code to the tests that check it.
  const computed = () => {
    const cache = new FactorCache(hand);
    const value = riskAdjustedValue(2);
    return { cache, value, v: cache.get(value).subarray(2 * 6, 3 * 6) };
  };

  it('value: mean / sd × √252 of the L returns; no value without L + 1 closes or when sd = 0', () => {
    const { cache, value, v } = computed();
    // A1: mean 0.01, sd 0.02/√2 → 0.5·√2·√252;  A2: 0.015 / (0.01/√2);  A3, B2: mean 0;  B1: 0.075 / (0.05/√2)
    const expected = [0.5 * Math.SQRT2, 1.5 * Math.SQRT2, 0, 1.5 * Math.SQRT2, 0].map((x) => x * SQRT252);
    for (let i = 0; i < 5; i++) expect(v[i]).toBeCloseTo(expected[i]!, 9);
    expect(v[5]).toBeNaN(); // C1: flat, sd = 0
    expect(Array.from(cache.get(value).subarray(0, 12)).every(Number.isNaN)).toBe(true); // bars 0, 1: too few closes
  });

  it('VOPA: z-score in the peer group, all members when the group is too small, 0 when σ = 0', () => {
    const { cache, value, v } = computed();
    const z = cache.get(peerZScore(value, 3)).subarray(12, 18);
    const values = Array.from(v.subarray(0, 5));
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { m, s: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
    };
    const a = stats(values.slice(0, 3)); // group A has 3 values: its own reference
    const all = stats(values); // B has 2 < minPeers: all five values instead
    expect(z[0]).toBeCloseTo((values[0]! - a.m) / a.s, 12);
    expect(z[2]).toBeCloseTo((values[2]! - a.m) / a.s, 12);
    expect(z[3]).toBeCloseTo((values[3]! - all.m) / all.s, 12);
    expect(z[4]).toBeCloseTo((values[4]! - all.m) / all.s, 12);
    expect(z[5]).toBeNaN();
    // with minPeers 2, B is its own reference: two values ±x around their mean → ±1/√2
    const z2 = cache.get(peerZScore(value, 2)).subarray(12, 18);
    expect(z2[3]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(z2[4]).toBeCloseTo(-Math.SQRT1_2, 12);
    // one value in its group with minPeers 1: σ undefined → 0
    const lone = handPanel({ dates: businessDates('2024-01-01', 3), symbols: ['X', 'Y'], groups: ['x', 'y'], close: [[1, 1], [1.1, 1.2], [1.0, 1.1]] });
    const zl = new FactorCache(lone).get(peerZScore(riskAdjustedValue(2), 1)).subarray(4, 6);
    expect(Array.from(zl)).toEqual([0, 0]);
  });

  it('skip leaves the most recent bars out of the window', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 5), symbols: ['A'], close: [[100], [102], [102], [999], [1]] });
    const s2 = new FactorCache(panel).get(riskAdjustedValue(2, 2));
    expect(s2[4]).toBeCloseTo(0.5 * Math.SQRT2 * SQRT252, 9); // returns of bars 1, 2 only
  });

  it('a missing close inside the window gives no value until it leaves', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 6), symbols: ['A'], close: [[100], [101], [null], [103], [104], [106]] });
    const values = Array.from(new FactorCache(panel).get(riskAdjustedValue(2)));
    expect(values.slice(0, 5).every(Number.isNaN)).toBe(true); // bar 4 still needs bar 2's close
    expect(values[5]).toBeCloseTo(directValue(panel, 5, 0, 2, 0), 12);
  });
});

describe('VOPA kernels against the direct formula on the sample market', () => {
  let panel: Panel;
  let source: LocalSource;
  beforeAll(async () => {
    source = new LocalSource(SAMPLE_DATA_DIR);
    ({ panel } = await source.loadWindow({ season: 2024, startDay: parseIsoDate('2024-03-01')!, endDay: parseIsoDate('2025-06-30')!, warmupBars: 60 }));
  });
  afterAll(() => source.close());

  it.each([[63, 0, 3], [20, 5, 3], [126, 0, 8]])('L = %i, S = %i, minPeers = %i: values to 1e−9 relative, VOPA to 1e−9', (L, S, minPeers) => {
    const cache = new FactorCache(panel);
    const value = riskAdjustedValue(L, S);
    const values = cache.get(value);
    const vopa = cache.get(peerZScore(value, minPeers));
    const n = panel.symbols.length;
    let seed = L * 7 + S;
    let checked = 0;
    for (let k = 0; k < 12; k++) {
      seed = (seed * 48271) % 2147483647;
      const t = L + S + (seed % (panel.dates.length - L - S));
      const direct = directVopa(panel, t, L, S, minPeers);
      for (let i = 0; i < n; i++) {
        const want = directValue(panel, t, i, L, S);
        const got = values[t * n + i]!;
        if (Number.isNaN(want)) {
          expect(got, `${panel.symbols[i]} ${panel.dates[t]}`).toBeNaN();
          continue;
        }
        expect(Math.abs(got - want) / Math.max(1e-12, Math.abs(want)), `${panel.symbols[i]} ${panel.dates[t]}`).toBeLessThan(1e-9);
        expect(vopa[t * n + i]! - direct[i]!).toBeCloseTo(0, 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('VOPA values: exact ties (identical windows give identical values whatever came before)', () => {
  // A and B end with the same closes; B's first 25 closes are wild, so every rolling sum that carries
  // history would have rounded differently for it. From bar 25 + L on, both windows hold the same returns.
  const bars = 60, L = 20;
  const a: number[] = [], b: number[] = [];
  let x = 100;
  for (let t = 0; t < bars; t++) {
    x *= 1 + 0.013 * Math.sin(t * 1.7) + 0.002;
    a.push(Math.round(x * 100) / 100);
  }
  for (let t = 0; t < bars; t++) b.push(t < 25 ? Math.round((50 + 40 * Math.cos(t * 2.3)) * 100) / 100 : a[t]!);

  it('two symbols with identical windows and different earlier prices get bit-identical values; the tie goes to the smaller symbol', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', bars), symbols: ['A', 'B', 'C'], close: a.map((v, t) => [v, b[t]!, 100 + t]) });
    const cache = new FactorCache(panel);
    const value = cache.get(riskAdjustedValue(L));
    const vopa = cache.get(peerZScore(riskAdjustedValue(L), 1));
    for (let t = 25 + L; t < bars; t++) {
      expect(value[3 * t + 1], `bar ${t}`).toBe(value[3 * t]);
      expect(vopa[3 * t + 1], `bar ${t}`).toBe(vopa[3 * t]);
      expect(Array.from(topK(value.subarray(3 * t, 3 * t + 2), 1))).toEqual([0]); // A, the smaller symbol
      expect(Math.abs(value[3 * t]! - directValue(panel, t, 0, L, 0)) / Math.abs(value[3 * t]!)).toBeLessThan(1e-13);
    }
  });

  it('holds for any earlier history (property, fixed seed)', () => {
    const closes = fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(closes, closes, fc.array(fc.integer({ min: 9_000, max: 11_000 }), { minLength: 9, maxLength: 9 }), (headA, headB, tail) => {
        // heads: any prices (returns up to ×10⁵, which the direct path takes); tail: the shared closes
        const rowsA = [...headA.map((c) => c / 100), ...tail.map((c) => c / 100)];
        const rowsB = [...headB.map((c) => c / 7), ...tail.map((c) => c / 100)];
        const n = rowsA.length;
        const panel = handPanel({ dates: businessDates('2024-01-01', n), symbols: ['A', 'B'], close: rowsA.map((v, t) => [v, rowsB[t]!]) });
        const v = new FactorCache(panel).get(riskAdjustedValue(4));
        for (let t = 12 + 4; t < n; t++) expect(Object.is(v[2 * t], v[2 * t + 1])).toBe(true);
      }),
      { seed: 19_13, numRuns: 300 },
    );
  });
});

describe('VOPA values: the windows the double-double cannot take go to the direct formula', () => {
  const rel = (got: number, want: number) => Math.abs(got - want) / Math.max(1e-300, Math.abs(want));
  const check = (rows: number[], L: number) => {
    const panel = handPanel({ dates: businessDates('2024-01-01', rows.length), symbols: ['A'], close: rows.map((c) => [c]) });
    const v = new FactorCache(panel).get(riskAdjustedValue(L));
    for (let t = L; t < rows.length; t++) {
      const want = directValue(panel, t, 0, L, 0);
      if (Number.isNaN(want)) expect(v[t], `bar ${t}`).toBeNaN();
      else expect(rel(v[t]!, want), `bar ${t}: ${v[t]} vs ${want}`).toBeLessThan(1e-13);
    }
    return v;
  };

  it('equal returns (sd = 0 up to rounding: ill-conditioned)', () => {
    const v = check([1, 2, 4, 8, 16, 32, 64, 128], 3); // r = 1 every day: sd = 0 exactly
    expect(Array.from(v.subarray(3)).every(Number.isNaN)).toBe(true);
    check([100, 101, 102.01, 103.0301, 104.060401, 105.10100501, 106.1520150601], 4); // 1 % a day, up to rounding
  });

  it('nearly equal returns, a nearly flat price, and a flat one', () => {
    check([100, 110, 121.00000001, 133.1, 146.41000002, 161.051], 2);
    check([100, 100.000001, 100, 100.000002, 100.000001, 100, 100.000001], 3);
    const v = check([5, 5, 5, 5, 5, 5], 3);
    expect(Array.from(v.subarray(3)).every(Number.isNaN)).toBe(true);
  });

  it('returns of 2 or more (a price tripling), and back', () => {
    check([1, 3, 3.3, 3.1, 3.2, 30, 31, 29, 28, 27.5, 27], 3);
    check([1e-300, 1e300, 1e300, 1.5e300, 1e300, 1.1e300], 2); // an infinite return, then finite again
  });
});

describe('VOPA values against the direct formula on every bar of the sample', () => {
  let panel: Panel;
  let source: LocalSource;
  beforeAll(async () => {
    source = new LocalSource(SAMPLE_DATA_DIR);
    ({ panel } = await source.loadWindow({ season: 2024, startDay: parseIsoDate('2024-03-01')!, endDay: parseIsoDate('2025-06-30')!, warmupBars: 130 }));
  });
  afterAll(() => source.close());

  it.each([[63, 0], [20, 5], [2, 0]])('L = %i, S = %i: every value within 1e−13 relative', (L, S) => {
    const values = new FactorCache(panel).get(riskAdjustedValue(L, S));
    const n = panel.symbols.length;
    let checked = 0;
    for (let t = 0; t < panel.dates.length; t++) {
      for (let i = 0; i < n; i++) {
        const want = directValue(panel, t, i, L, S);
        const got = values[t * n + i]!;
        if (Number.isNaN(want) || Number.isNaN(got)) {
          // the cache masks non-members (NaN); the kernel itself gives a value wherever the formula does
          if (!Number.isNaN(got)) expect(got, `${panel.symbols[i]} ${panel.dates[t]}`).toBeNaN();
          continue;
        }
        expect(Math.abs(got - want) / Math.abs(want), `${panel.symbols[i]} ${panel.dates[t]}`).toBeLessThan(1e-13);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('value: each symbol alone', () => {
  // 9 symbols, 90 bars, random walks with gaps, a flat stretch, and a calm climb after a wild start
  // (nearly equal returns: ill-conditioned windows, left to the direct formula); a symbol's values
  // depend on its own closes only.
  const bars = 90, symbols = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'];
  let seed = 17;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const price = symbols.map(() => 50 + 50 * next());
  const close = Array.from({ length: bars }, (_, t) => symbols.map((_, i) => {
    if ((i === 2 && t >= 30 && t < 34) || (i === 5 && t % 29 === 7)) return null; // gaps
    if (i === 6 && t >= 40 && t < 55) return price[i]!; // flat for a while
    if (i === 7) price[i]! *= t < 30 ? 1 + (next() - 0.5) * 0.2 : 1.01 + (next() - 0.5) * 1e-6;
    else price[i]! *= 1 + (next() - 0.5) * 0.04;
    return price[i]!;
  }));
  const dates = businessDates('2024-01-01', bars);
  const all = new FactorCache(handPanel({ dates, symbols, close })).get(riskAdjustedValue(10, 1));

  it('gets the very values (bit for bit) it gets in a panel of its own, and the direct formula\'s to 1e−9 (as above)', () => {
    for (let i = 0; i < symbols.length; i++) {
      const lone = handPanel({ dates, symbols: [symbols[i]!], close: close.map((row) => [row[i]!]) });
      const alone = new FactorCache(lone).get(riskAdjustedValue(10, 1));
      for (let t = 0; t < bars; t++) {
        const got = all[t * symbols.length + i]!;
        expect(Object.is(got, alone[t]), `${symbols[i]} bar ${t}`).toBe(true);
        const want = directValue(lone, t, 0, 10, 1);
        if (Number.isNaN(want)) expect(got, `${symbols[i]} bar ${t}`).toBeNaN();
        else expect(Math.abs(got - want) / Math.abs(want), `${symbols[i]} bar ${t}`).toBeLessThan(1e-9);
      }
    }
  });
});
