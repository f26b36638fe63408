import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';

const panel = handPanel({ dates: businessDates('2024-01-01', 3), symbols: ['A', 'B'], close: [[1, 2], [3, 4], [5, 6]] });

/** close × k, and a count of how often it was computed. */
function scaled(k: number, calls = { n: 0 }): Factor {
  return { key: `scaled(${k})`, create: ({ n }) => { calls.n++; return (h, out) => { const c = h.row('close'); for (let i = 0; i < n; i++) out[i] = c[i]! * k; }; } };
}

describe('the factor cache', () => {
  it('computes a factor once per key, time-major, and keeps it', () => {
    const calls = { n: 0 };
    const cache = new FactorCache(panel);
    const first = cache.get(scaled(10, calls));
    expect(Array.from(first)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(cache.get(scaled(10, calls))).toBe(first);
    expect([calls.n, cache.computed]).toEqual([1, 1]);
    expect([...cache.entries()].map(([key]) => key)).toEqual(['scaled(10)']);
  });

  it('values a factor does not write are missing (NaN), not 0', () => {
    const lazy: Factor = { key: 'lazy', create: () => (h, out) => { if (h.t === 2) out[1] = 1; } };
    const values = Array.from(new FactorCache(panel).get(lazy));
    expect(values.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(values[5]).toBe(1);
  });

  it('hands a factor the rows of its inputs at each bar', () => {
    const spread: Factor = {
      key: 'spread',
      inputs: [scaled(10), scaled(1)],
      create: ({ n }) => (_h, out, [a, b]) => { for (let i = 0; i < n; i++) out[i] = a![i]! - b![i]!; },
    };
    expect(Array.from(new FactorCache(panel).get(spread))).toEqual([9, 18, 27, 36, 45, 54]);
  });

  it('refuses a factor that depends on itself, directly or through another', () => {
    const self: Factor = { key: 'self', get inputs() { return [self]; }, create: () => () => {} };
    expect(() => new FactorCache(panel).get(self)).toThrow('factor self depends on itself');
    const a: Factor = { key: 'a', get inputs() { return [b]; }, create: () => () => {} };
    const b: Factor = { key: 'b', inputs: [a], create: () => () => {} };
    expect(() => new FactorCache(panel).get(a)).toThrow('factor a depends on itself');
  });

  it('in shared mode the values live in shared memory, for worker threads to read', () => {
    const shared = new FactorCache(panel, { shared: true }).get(scaled(2));
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(new FactorCache(panel).get(scaled(2)).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('adopts values computed elsewhere, and memoises other shared results once per key', () => {
    const cache = new FactorCache(panel);
    const adopted = Float64Array.of(1, 2, 3, 4, 5, 6);
    cache.put('scaled(3)', adopted);
    expect(cache.get(scaled(3))).toBe(adopted);
    expect(cache.computed).toBe(0);
    let runs = 0;
    const first = cache.memo('diagnostics', () => ({ runs: ++runs }));
    expect(cache.memo('diagnostics', () => ({ runs: ++runs }))).toBe(first);
    expect(runs).toBe(1);
    expect(cache.memo('other', () => 'x')).toBe('x');
  });
});

const released = handPanel({
  dates: businessDates('2024-01-01', 8),
  symbols: ['A', 'B', 'C'],
  close: [[10, 20, 30], [11, 19, 31], [12, 21, 29], [11, 22, 30], [13, 20, 32], [12, 23, 31], [14, 22, 33], [15, 24, 32]],
});

describe('FactorCache: releasing factors', () => {
  it('retain keeps the named keys, releases the rest, and counts the bytes held', () => {
    const cache = new FactorCache(released);
    const v2 = riskAdjustedValue(2), v3 = riskAdjustedValue(3);
    cache.get(peerZScore(v2, 1)); // with its input value(2,0)
    cache.get(v3);
    expect([...cache.entries()].map(([k]) => k).sort()).toEqual(['value(2,0)', 'value(3,0)', peerZScore(v2, 1).key].sort());
    expect(cache.bytes).toBe(3 * 8 * 3 * 8); // three factors of 8 bars × 3 symbols
    expect(cache.retain(new Set(['value(3,0)']))).toBe(2);
    expect([...cache.entries()].map(([k]) => k)).toEqual(['value(3,0)']);
    expect(cache.has('value(2,0)')).toBe(false);
    expect(cache.bytes).toBe(8 * 3 * 8);
  });

  it('a released factor asked for again is computed again, to the same values', () => {
    const cache = new FactorCache(released);
    const v = riskAdjustedValue(3);
    const first = Array.from(cache.get(v));
    expect(cache.computed).toBe(1);
    cache.retain(new Set());
    expect(cache.bytes).toBe(0);
    expect(Array.from(cache.get(v))).toEqual(first);
    expect(cache.computed).toBe(2);
    cache.get(v);
    expect(cache.computed).toBe(2); // held again: a hit
  });

  it('with reuse, the next factors are written into the released arrays (no new memory), to the same values', () => {
    const cache = new FactorCache(released);
    const fresh = new FactorCache(released);
    const a = cache.get(riskAdjustedValue(2));
    cache.retain(new Set(), { reuse: true });
    expect(cache.bytes).toBe(a.byteLength); // kept as a spare
    const b = cache.get(riskAdjustedValue(4));
    expect(b.buffer).toBe(a.buffer); // the same memory, written over
    expect(Array.from(b)).toEqual(Array.from(fresh.get(riskAdjustedValue(4))));
    expect(cache.bytes).toBe(a.byteLength);
    cache.retain(new Set()); // without reuse: spares go too
    expect(cache.bytes).toBe(0);
  });
});
