/**
 * A seeded pseudo-random generator that gives the same numbers, bit for bit, on every machine:
 * xoshiro128** 1.1 (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4) 2021; reference code prng.di.unimi.it/xoshiro128starstar.c), 32-bit words only, so
 * JavaScript's Math.imul and shifts reproduce the C reference exactly.
 * 1. Seeding (as Vigna recommends): SplitMix64 from the seed (a whole number 0 … 2⁵³ − 1) gives two
 *    64-bit words; their low and high halves are the state s₀, s₁ (first word), s₂, s₃ (second);
 * 2. next: result = rotl(s₁·5, 7)·9 (mod 2³²); t = s₁ << 9; s₂ ^= s₀; s₃ ^= s₁; s₁ ^= s₂;
 *    s₀ ^= s₃; s₂ ^= t; s₃ = rotl(s₃, 11);
 * 3. a uniform in [0, 1) is a 32-bit output × 2⁻³²; a uniform whole number below n rejects the
 *    outputs ≥ 2³² − (2³² mod n), then takes the rest mod n (no modulo bias).
 * Period 2¹²⁸ − 1; our use (a few million draws per sweep) is far inside it.
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 (Vigna, prng.di.unimi.it/splitmix64.c) from `seed`: the first `count` outputs. */
export function splitMix64(seed: bigint, count: number): bigint[] {
  let x = seed & MASK64;
  const out: bigint[] = [];
  for (let k = 0; k < count; k++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

/**
 * xoshiro128**, seeded through SplitMix64 (above).
 *
 * @example new Xoshiro128StarStar(42).nextFloat() // the same number on every machine
 */
export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** From a seed (a whole number 0 … 2⁵³ − 1), or from the four state words themselves (not all zero). */
  constructor(seed: number | readonly [number, number, number, number]) {
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed ${seed}: must be a whole number from 0 to 2^53 − 1`);
      const [a, b] = splitMix64(BigInt(seed), 2) as [bigint, bigint];
      seed = [Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)];
    }
    [this.s0, this.s1, this.s2, this.s3] = seed.map((w) => w >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
  }

  /** The next 32-bit output, 0 … 2³² − 1. */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits (k·2⁻³², exact). */
  nextFloat(): number {
    return this.nextUint32() * 2.3283064365386963e-10;
  }

  /** A uniform whole number 0 … n − 1 (1 ≤ n ≤ 2³²), without modulo bias. */
  nextBelow(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
