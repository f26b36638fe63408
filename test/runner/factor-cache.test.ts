import { describe, expect, it } from 'vitest';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';

const panel = handPanel({
  dates: businessDates('2024-01-01', 8),
  symbols: ['A', 'B', 'C'],
  close: [[10, 20, 30], [11, 19, 31], [12, 21, 29], [11, 22, 30], [13, 20, 32], [12, 23, 31], [14, 22, 33], [15, 24, 32]],
});

describe('FactorCache: releasing factors', () => {
  it('retain keeps the named keys, releases the rest, and counts the bytes held', () => {
    const cache = new FactorCache(panel);
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
    const cache = new FactorCache(panel);
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
    const cache = new FactorCache(panel);
    const fresh = new FactorCache(panel);
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
