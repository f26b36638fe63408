import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/** VOPA's cross-sectional step: z-scores of a value within peer groups, on values chosen by hand. */
describe('peerZScore', () => {
  // groups (sorted by symbol): A1 A2 A3 in g, B1 B2 in h, C1 alone in k, D1 D2 in m
  const panel = handPanel({
    dates: businessDates('2024-01-01', 2),
    symbols: ['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'D1', 'D2'],
    groups: ['g', 'g', 'g', 'h', 'h', 'k', 'm', 'm'],
    close: [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]],
  });
  /** A value given by hand per bar (NaN: no value). */
  const given = (rows: number[][]): Factor => ({ key: `given(${JSON.stringify(rows)})`, create: () => (h, out) => out.set(rows[h.t]!) });
  const z = (rows: number[][], minPeers: number, t = 0) => Array.from(new FactorCache(panel).get(peerZScore(given(rows), minPeers)).subarray(t * 8, t * 8 + 8));
  const stats = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { m, s: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
  };
  const v = [1, 2, 6, 10, 20, 5, 7, 7];

  it('within each group large enough: (v − group mean) / group sd (n − 1)', () => {
    const out = z([v, v], 2);
    // g: 1, 2, 6 → mean 3, sd √7;  h: 10, 20 → ±1/√2;  m: 7, 7 → sd 0 → 0
    expect(out[0]).toBeCloseTo(-2 / Math.sqrt(7), 14);
    expect(out[1]).toBeCloseTo(-1 / Math.sqrt(7), 14);
    expect(out[2]).toBeCloseTo(3 / Math.sqrt(7), 14);
    expect(out[3]).toBeCloseTo(-Math.SQRT1_2, 14);
    expect(out[4]).toBeCloseTo(Math.SQRT1_2, 14);
    expect([out[6], out[7]]).toEqual([0, 0]);
    // C1 is alone in k (1 < 2): scored against all eight values
    const all = stats(v);
    expect(out[5]).toBeCloseTo((5 - all.m) / all.s, 14);
  });

  it('a group smaller than minPeers uses all members with a value; missing values stay missing', () => {
    const row = [1, 2, Number.NaN, 10, 20, 5, Number.NaN, 7];
    const out = z([row, row], 3);
    const all = stats([1, 2, 10, 20, 5, 7]);
    // every group has fewer than 3 values now: all score against the six values
    [0, 1, 3, 4, 5, 7].forEach((i) => expect(out[i], `member ${i}`).toBeCloseTo((row[i]! - all.m) / all.s, 14));
    expect(Number.isNaN(out[2]!) && Number.isNaN(out[6]!)).toBe(true);
  });

  it('with minPeers 1 a lone member has no spread: 0; with no values at all, all missing', () => {
    const out = z([v, v], 1);
    expect(out[5]).toBe(0);
    const none = Array(8).fill(Number.NaN);
    expect(z([none, none], 1).every(Number.isNaN)).toBe(true);
    // one value in the whole row, its group too small: no spread anywhere → 0
    const one = [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 4, Number.NaN, Number.NaN];
    expect(z([one, one], 2)[5]).toBe(0);
  });

  it('scores each bar on its own values', () => {
    const second = [3, 2, 1, 20, 10, 5, 1, 3];
    const out = z([v, second], 2, 1);
    expect(out[0]).toBeCloseTo(1, 14); // g: 3, 2, 1 → mean 2, sd 1
    expect(out[3]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(out[6]).toBeCloseTo(-Math.SQRT1_2, 14);
  });

  it('is keyed by its input and minPeers, and refuses minPeers below 1', () => {
    const value = given([v, v]);
    expect(peerZScore(value, 3).key).toBe(`peerZ(${value.key},3)`);
    expect(peerZScore(value, 3).inputs).toEqual([value]);
    expect(() => peerZScore(value, 0)).toThrow(/minPeers must be an integer ≥ 1, got 0/);
    expect(() => peerZScore(value, 1.5)).toThrow(RangeError);
  });

  it('a missing member does not stop its group from being scored on the values it has', () => {
    const row = [1, 2, Number.NaN, 10, 20, 5, 7, 7];
    const out = z([row, row], 2);
    expect(out[0]).toBeCloseTo(-Math.SQRT1_2, 14); // g: 1, 2 → mean 1.5, sd 1/√2
    expect(out[1]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(out[2]).toBeNaN();
  });

  it('within a group, z-scores stay exact when the values share a large common part (two-pass sums)', () => {
    const shifted = [1.1, 2.3, 6.7, 10.9, 20.2, 5.5, 7.1, 7.6].map((x) => x + 1e9);
    const z2 = z([shifted, shifted], 2);
    const g = stats(shifted.slice(0, 3)); // g's own values
    [0, 1, 2].forEach((i) => expect(z2[i]! - (shifted[i]! - g.m) / g.s, `member ${i}`).toBeCloseTo(0, 12));
  });
});
