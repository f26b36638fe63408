import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
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
