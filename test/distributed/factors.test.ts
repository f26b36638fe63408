import { describe, expect, it } from 'vitest';
import { trimFactors } from '../../src/distributed/worker.ts';

describe("a queue worker's factors: within a budget, least recently used first out", () => {
  it('lets the oldest go until the rest fit, keeping the most recent', () => {
    const f = (n: number) => new Float64Array(n);
    const held = new Map<string, Float64Array>([['a', f(100)], ['b', f(100)], ['c', f(100)], ['d', f(100)]]);
    trimFactors(held, 1600); // 3,200 bytes held (800 each)
    expect([...held.keys()]).toEqual(['c', 'd']);
    trimFactors(held, 1600);
    expect([...held.keys()]).toEqual(['c', 'd']); // fits: nothing goes
    held.delete('c');
    held.set('c', f(100)); // used again: now the most recent
    held.set('e', f(100));
    trimFactors(held, 1600);
    expect([...held.keys()]).toEqual(['c', 'e']);
    trimFactors(held, 0);
    expect(held.size).toBe(0);
  });
});
