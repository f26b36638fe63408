import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum, fsum } from '../../src/factors/exact-sum.ts';

/** Exact rational value of a double: numerator and a power-of-two denominator, as BigInts. */
function exact(x: number): { num: bigint; den: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  return e >= 0 ? { num: sign * mant * (1n << BigInt(e)), den: 1n } : { num: sign * mant, den: 1n << BigInt(-e) };
}

/** The double nearest to num/den (round half to even), by brute BigInt arithmetic: the obvious reference. */
function nearest(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const neg = num < 0n;
  let n = neg ? -num : num;
  // scale so that the quotient has 53+2 significant bits, then round.
  let shift = 0;
  while (n / den >= 1n << 55n) { den <<= 1n; shift++; }
  while (n / den < 1n << 54n) { n <<= 1n; shift--; }
  let q = n / den;
  const rem = n % den;
  // q has 55 bits: round to 53 (two extra bits + sticky)
  const extra = q & 3n;
  q >>= 2n;
  shift += 2;
  const sticky = rem !== 0n;
  if (extra > 2n || (extra === 2n && (sticky || (q & 1n) === 1n))) q += 1n;
  const value = Number(q) * 2 ** shift;
  return neg ? -value : value;
}

function exactSumOf(values: readonly number[]): { num: bigint; den: bigint } {
  let den = 1n;
  for (const v of values) { const d = exact(v).den; if (d > den) den = d; }
  let num = 0n;
  for (const v of values) { const e = exact(v); num += e.num * (den / e.den); }
  return { num, den };
}

describe('ExactSum', () => {
  it('adds without losing anything (fsum examples)', () => {
    expect(fsum([1e100, 1, -1e100])).toBe(1);
    expect(fsum(Array(10).fill(0.1))).toBe(1);
    expect(fsum([1, 1e-16, 1e-16])).toBe(1.0000000000000002);
    expect(fsum([])).toBe(0);
  });

  it('equals the correctly rounded exact sum, for any doubles', () => {
    fc.assert(
      // normal doubles only: the reference rounding below does not model subnormal results
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => x === 0 || Math.abs(x) > 1e-200), { maxLength: 40 }), (xs) => {
        const { num, den } = exactSumOf(xs);
        expect(fsum(xs)).toBe(nearest(num, den));
      }),
      { numRuns: 300 },
    );
  });

  it('slides a window without drift: add and remove give fsum of what is left', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: 5, maxLength: 200 }), fc.integer({ min: 1, max: 5 }), (xs, w) => {
        const s = new ExactSum();
        for (let k = 0; k < xs.length; k++) {
          s.add(xs[k]!);
          if (k >= w) s.add(-xs[k - w]!);
          expect(s.value()).toBe(fsum(xs, Math.max(0, k - w + 1), k + 1));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('divides with one rounding: mean(n) is the double nearest to the exact mean', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0.01, max: 1e4 }), { minLength: 1, maxLength: 60 }), (xs) => {
        const s = new ExactSum();
        for (const x of xs) s.add(x);
        const { num, den } = exactSumOf(xs);
        expect(s.mean(xs.length)).toBe(nearest(num, den * BigInt(xs.length)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps flat windows tied whatever their length (where fsum / n does not)', () => {
    const x = 0.1;
    const three = new ExactSum();
    for (let k = 0; k < 3; k++) three.add(x);
    expect(three.mean(3)).toBe(x);
    expect(fsum([x, x, x]) / 3).not.toBe(x); // the double rounding that mean() avoids
  });
});

describe('ExactSum: cancellation, signed zero, means of prices', () => {
  it('once the large values leave a window, the small ones left decide the sum (not a partial sum of them)', () => {
    // window of 2 sliding over five values of very different sizes: what is left is the last two,
    // and the sum of two doubles is their correctly rounded sum (one IEEE addition)
    const xs = [-0.06527972221374512, 0.0007899785041809082, -2.2833585739135744e-10, 4.323265552520752e-21, 2.0753982663154603e-18];
    const s = new ExactSum();
    for (let k = 0; k < xs.length; k++) {
      s.add(xs[k]!);
      if (k >= 2) s.add(-xs[k - 2]!);
    }
    expect(s.value()).toBe(4.323265552520752e-21 + 2.0753982663154603e-18); // 2.079721531867981e-18, as math.fsum
  });

  it('slides a window over values of mixed magnitudes: the correctly rounded exact sum of what is left', () => {
    const value = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }), fc.integer({ min: -20, max: 3 }))
      .map(([x, e]) => x * 10 ** e)
      .filter((x) => x === 0 || Math.abs(x) > 1e-200); // the reference rounding does not model subnormal results
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (xs, w) => {
        const s = new ExactSum();
        for (let k = 0; k < xs.length; k++) {
          s.add(xs[k]!);
          if (k >= w) s.add(-xs[k - w]!);
          const { num, den } = exactSumOf(xs.slice(Math.max(0, k - w + 1), k + 1));
          expect(s.value()).toBe(nearest(num, den));
        }
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('a sum of zeros is +0, as math.fsum([-0.0]) is 0.0 (Python 3.11)', () => {
    expect(fsum([-0])).toBe(0); // toBe is Object.is: −0 fails it
    expect(fsum([-0, -0])).toBe(0);
    const s = new ExactSum();
    s.add(-0);
    expect(s.value()).toBe(0);
    expect(s.mean(2)).toBe(0);
  });

  it('the mean of five prices is their decimal mean, 38956.88 / 5 = 7791.376', () => {
    const prices = [9163.24, 8029.69, 9089.26, 4053.16, 8621.53];
    const s = new ExactSum();
    for (const x of prices) s.add(x);
    expect(s.mean(5)).toBe(7791.376);
    const { num, den } = exactSumOf(prices);
    expect(s.mean(5)).toBe(nearest(num, den * 5n)); // Python: float(sum(map(Fraction, prices)) / 5) = 7791.376
  });
});

describe('ExactSum: means near the top of the doubles', () => {
  it('a sum above 1.3e300 has a finite mean (the quotient, rounded twice), not NaN', () => {
    const s = new ExactSum();
    s.add(1.7e308);
    s.add(1);
    // 1.7e308 + 1 is 1.7e308 as a double; halved, 8.5e307 (exact: a power-of-two division)
    expect(s.mean(1)).toBe(1.7e308);
    expect(s.mean(2)).toBe(8.5e307);
    const t = new ExactSum();
    t.add(-1e305);
    t.add(-3);
    expect(t.mean(10)).toBe(-1e304);
  });
});
