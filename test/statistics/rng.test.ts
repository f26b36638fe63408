import { describe, expect, it } from 'vitest';
import { splitMix64, Xoshiro128StarStar } from '../../src/statistics/rng.ts';

/** xoshiro128** written plainly with BigInt arithmetic mod 2³² — nothing shared with the code under test. */
function plainXoshiro(state: bigint[]): () => number {
  const s = [...state];
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  return () => {
    const result = (rotl((s[1]! * 5n) & M, 7n) * 9n) & M;
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!; s[3]! ^= s[1]!; s[1]! ^= s[2]!; s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
    return Number(result);
  };
}

describe('xoshiro128** seeded by SplitMix64', () => {
  it('matches the reference implementation from state {1, 2, 3, 4}', () => {
    // xoshiro128starstar.c 1.1 (as in Rust rand_xoshiro's test); the first by hand: rotl(2·5, 7)·9 = 1280·9 = 11520
    const rng = new Xoshiro128StarStar([1, 2, 3, 4]);
    expect(Array.from({ length: 10 }, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('SplitMix64 matches its published outputs for seed 1234567 (Rosetta Code)', () => {
    expect(splitMix64(1234567n, 5)).toEqual([6457827717110365317n, 3203168211198807973n, 9817491932198370423n, 4593380528125082431n, 16408922859458223821n]);
  });

  it('a seed becomes the state (low, high of the first SplitMix64 word; low, high of the second), then runs as the plain version', () => {
    for (const seed of [0, 1, 42, 2 ** 53 - 1]) {
      const [a, b] = splitMix64(BigInt(seed), 2) as [bigint, bigint];
      const plain = plainXoshiro([a & 0xffffffffn, a >> 32n, b & 0xffffffffn, b >> 32n]);
      const rng = new Xoshiro128StarStar(seed);
      const got = Array.from({ length: 1000 }, () => rng.nextUint32());
      expect(got).toEqual(Array.from({ length: 1000 }, plain));
    }
  });

  it('the same seed gives the same numbers; another seed others', () => {
    const a = new Xoshiro128StarStar(7), b = new Xoshiro128StarStar(7), c = new Xoshiro128StarStar(8);
    const xs = Array.from({ length: 100 }, () => a.nextFloat());
    expect(Array.from({ length: 100 }, () => b.nextFloat())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextFloat())).not.toEqual(xs);
  });

  it('floats are k·2⁻³² in [0, 1); whole numbers below n are uniform (χ² with 6 degrees of freedom, 0.1 % level: 22.46)', () => {
    const rng = new Xoshiro128StarStar(3);
    for (let i = 0; i < 1000; i++) {
      const u = rng.nextFloat();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(Number.isInteger(u * 2 ** 32)).toBe(true);
    }
    const counts = new Array(7).fill(0), draws = 70_000;
    for (let i = 0; i < draws; i++) counts[rng.nextBelow(7)]++;
    const chi2 = counts.reduce((s, c) => s + (c - draws / 7) ** 2 / (draws / 7), 0);
    expect(chi2).toBeLessThan(22.46);
    expect(new Xoshiro128StarStar(5).nextBelow(1)).toBe(0);
    expect(new Xoshiro128StarStar(5).nextBelow(2 ** 32)).toBe(new Xoshiro128StarStar(5).nextUint32());
  });

  it('refuses seeds that are not whole numbers 0 … 2⁵³ − 1, and the all-zero state', () => {
    expect(() => new Xoshiro128StarStar(-1)).toThrow(RangeError);
    expect(() => new Xoshiro128StarStar(1.5)).toThrow(RangeError);
    expect(() => new Xoshiro128StarStar(2 ** 53)).toThrow(RangeError);
    expect(() => new Xoshiro128StarStar([0, 0, 0, 0])).toThrow(RangeError);
  });
});
