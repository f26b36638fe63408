import { describe, expect, it } from 'vitest';
import { rollingMean } from '../../src/factors/rolling.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { handPanel, businessDates } from '../support/panel.ts';

describe('rollingMean', () => {
  it('is the mean of the last L closes, NaN until L are present and while one is missing', () => {
    const close = [[1], [2], [4], [8], [null], [16], [32], [64]];
    const panel = handPanel({ dates: businessDates('2024-01-01', close.length), symbols: ['A'], close });
    const values = new FactorCache(panel).get(rollingMean(3));
    // by hand: (1+2+4)/3, (2+4+8)/3, then windows holding the gap, then (16+32+64)/3
    expect(Array.from(values)).toEqual([NaN, NaN, 7 / 3, 14 / 3, NaN, NaN, NaN, 112 / 3]);
  });

  it('matches a direct window mean on a long random walk (no drift after thousands of bars)', () => {
    const bars = 5000;
    const close: number[][] = [];
    let p = 100;
    let seed = 7;
    for (let t = 0; t < bars; t++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      p *= 1 + (seed / 2147483648 - 0.5) * 0.04;
      close.push([Math.round(p * 1e4) / 1e4]);
    }
    const panel = handPanel({ dates: businessDates('2000-01-03', bars), symbols: ['A'], close });
    const values = new FactorCache(panel).get(rollingMean(30));
    for (let t = 29; t < bars; t += 97) {
      let sum = 0;
      for (let k = t - 29; k <= t; k++) sum += close[k]![0]!;
      expect(values[t]).toBeCloseTo(sum / 30, 9);
    }
  });

  it('computes a factor once per key, however many strategies ask', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 4), symbols: ['A'], close: [[1], [2], [3], [4]] });
    const cache = new FactorCache(panel);
    const a = cache.get(rollingMean(2));
    const b = cache.get(rollingMean(2));
    expect(a).toBe(b);
    expect(cache.computed).toBe(1);
  });

  it('is keyed by field and length, and refuses a length that is not a whole number ≥ 1', () => {
    expect(rollingMean(20).key).toBe('mean(close,20)');
    expect(rollingMean(5, 'volume').key).toBe('mean(volume,5)');
    expect(rollingMean(1).key).toBe('mean(close,1)');
    expect(() => rollingMean(0)).toThrow('rollingMean length must be a positive integer, got 0');
    expect(() => rollingMean(2.5)).toThrow(RangeError);
  });
});
