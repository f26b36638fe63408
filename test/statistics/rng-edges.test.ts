import { describe, expect, it } from 'vitest';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';

// The reference outputs of xoshiro128** 1.1 from state {1, 2, 3, 4} (xoshiro128starstar.c; the same
// list as test/statistics/rng.test.ts): 11520, 0, 5927040, 70819200, 2031721883, 1637235492,
// 1287239034, 3734860849, 3729100597, 4258142804.

describe('whole numbers below n without modulo bias (rejection)', () => {
  it('an output at or above 2³² − (2³² mod n) is rejected and the next one drawn', () => {
    // n = 3734860849 > 2³¹: 2³² mod n = 2³² − n, so the limit is n itself. The first seven outputs are
    // below it and come back as they are; the eighth equals n and must be rejected (n mod n = 0 would
    // make 0 twice as likely as any other number); the ninth is below n again.
    const rng = new Xoshiro128StarStar([1, 2, 3, 4]);
    const n = 3734860849;
    expect(Array.from({ length: 8 }, () => rng.nextBelow(n))).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3729100597]);
  });

  it('n = 3·2³⁰: the top quarter of outputs is rejected, so numbers below 2³⁰ are a third of the draws, not a half', () => {
    // a second generator with the same seed, rejecting by hand, gives the very same numbers
    const n = 3 * 2 ** 30, a = new Xoshiro128StarStar(9), b = new Xoshiro128StarStar(9);
    let low = 0;
    const draws = 3000;
    for (let k = 0; k < draws; k++) {
      let x = b.nextUint32();
      while (x >= n) x = b.nextUint32(); // limit = 2³² − 2³⁰ = n
      const got = a.nextBelow(n);
      expect(got).toBe(x);
      if (got < 2 ** 30) low++;
    }
    expect(low / draws).toBeGreaterThan(0.3);
    expect(low / draws).toBeLessThan(0.37);
  });
});

describe('refusals name the problem', () => {
  it('a seed that is not a whole number 0 … 2⁵³ − 1, or the all-zero state', () => {
    expect(() => new Xoshiro128StarStar(-1)).toThrow('seed -1: must be a whole number from 0 to 2^53 − 1');
    expect(() => new Xoshiro128StarStar(0.5)).toThrow('seed 0.5: must be a whole number from 0 to 2^53 − 1');
    expect(() => new Xoshiro128StarStar([0, 0, 0, 0])).toThrow('xoshiro128** state must not be all zero');
    expect(() => new Xoshiro128StarStar([2 ** 32, 0, 0, 0])).toThrow('xoshiro128** state must not be all zero'); // words are taken mod 2³²
  });
});
