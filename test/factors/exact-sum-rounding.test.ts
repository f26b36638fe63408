import { describe, expect, it } from 'vitest';
import { ExactSum, fsum } from '../../src/factors/exact-sum.ts';

/**
 * The last step of a correctly rounded sum: when the partials' top sum lands exactly halfway between
 * two doubles, the partials below it decide the rounding (Python's math.fsum does the same).
 */
describe('ExactSum rounding at a tie', () => {
  const half = 2 ** -53; // half an ulp of 1: 1 + half is a tie, which rounds to even (1)

  it('a halfway sum goes up or down as the smaller partials say, for either sign', () => {
    // 1 + 2⁻⁵³ + 2⁻¹⁰⁶ is just above the tie: up. The three stay separate partials, so the last one decides.
    expect(fsum([1, half, 2 ** -106])).toBe(1 + 2 ** -52);
    expect(fsum([-1, -half, -(2 ** -106)])).toBe(-(1 + 2 ** -52));
    // 1 + 2⁻⁵³ − 2⁻¹⁰⁷ is just below it: down
    expect(fsum([1, half, -(2 ** -107)])).toBe(1);
    expect(fsum([-1, -half, 2 ** -107])).toBe(-1);
    expect(fsum([1, half])).toBe(1); // exactly halfway: to even
    expect(fsum([1 + 2 ** -52, half])).toBe(1 + 2 ** -51); // to even, upward
    expect(fsum([1, half, 2 ** -106, -(2 ** -106)])).toBe(1);
  });

  it('the mean of an empty or single-partial sum, and reset', () => {
    const s = new ExactSum();
    expect(s.mean(3)).toBe(0);
    expect(s.value()).toBe(0);
    s.add(7);
    expect(s.mean(2)).toBe(3.5);
    s.add(-7);
    expect(s.value()).toBe(0);
    s.add(0.1);
    s.add(0.2);
    s.reset();
    expect(s.value()).toBe(0);
    s.add(0.5);
    expect(s.value()).toBe(0.5);
  });
});
