import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
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
