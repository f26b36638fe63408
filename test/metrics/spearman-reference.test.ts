import { describe, expect, it } from 'vitest';
import { argsort, averageRanks, digitBits, finiteArgsort, mergeArgsort, pearson, RankSpace, ranksFromOrder, spearman } from '../../src/metrics/spearman.ts';
import { mulberry32 as rng } from '../support/random.ts';
import { textbookPearson, textbookRanks } from '../support/reference-stats.ts';

/**
 * spearman.ts against second, obvious implementations: argsort against a plain stable sort by value
 * (index tie-break), ranks against the textbook average rank (1 + #smaller + (#equal − 1) / 2),
 * Pearson against the direct formula. Inputs reach every path of the radix argsort: crowded keys
 * (> 32 values on one, and > 32 on one high digit spread over several keys), many ties, a degenerate
 * range, ±∞ and NaN (the merge sort), −0, n = 0 … 2, and reused (dirty, longer than n) buffers as the
 * diagnostics pass them.
 */

function refOrder(v: ArrayLike<number>, n = v.length): number[] {
  return Array.from({ length: n }, (_, k) => k).sort((a, b) => v[a]! - v[b]! || a - b);
}

/** Finite inputs of size n of several shapes: spread, ties, crowded keys, key boundaries. */
function finiteCases(n: number, r: () => number): number[][] {
  const cases: number[][] = [];
  cases.push(Array.from({ length: n }, () => r() * 2 - 1)); // spread like returns
  cases.push(Array.from({ length: n }, () => Math.floor(r() * 4))); // many ties
  cases.push(Array.from({ length: n }, () => (r() < 0.8 ? 1 + Math.floor(r() * 5) * 1e-9 : r() * 100))); // crowded: most on one key
  cases.push(Array.from({ length: n }, (_, k) => (k % 3 === 0 ? 0 : k % 3 === 1 ? -0 : r()))); // ±0 ties
  cases.push(Array.from({ length: n }, (_, k) => (k * n) % 7)); // values on key boundaries: x − min a multiple of (max − min) / 7
  cases.push(Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k === 1 ? 65536 : 32768 + ((k * 37) % 200)))); // each on its own key, many on one high digit, in scrambled order
  cases.push(Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k === 1 ? 65536 : 32768 + ((n - k) % 256) / 256))); // several on each key of one high digit, descending within each
  cases.push(Array.from({ length: n }, (_, k) => n - k)); // descending: every value moves
  cases.push(Array.from({ length: n }, () => 5)); // degenerate range
  cases.push(Array.from({ length: n }, (_, k) => (k === 0 ? 1e300 : k === 1 ? -1e300 : r()))); // a huge range
  cases.push(Array.from({ length: n }, (_, k) => (k % 2 ? 1 : 1 + Number.EPSILON))); // a range of one ulp
  cases.push(Array.from({ length: n }, () => (r() < 0.5 ? 5e-324 * Math.floor(r() * 3) : 0))); // subnormal range: scale = ∞
  return cases;
}

function dirty(len: number, n: number, seed: number): Int32Array {
  // what a previous sort leaves behind: indices in range, in a scrambled order, beyond n too
  return Int32Array.from({ length: len }, (_, k) => (k * 7 + seed) % Math.max(1, n));
}

describe('argsort: the same order as a plain stable sort by value', () => {
  it('growing sizes from 0, fresh and reused dirty buffers longer than n, on every shape of input', () => {
    const r = rng(7);
    for (let n = 0; n <= 140; n += n < 40 ? 1 : 7) {
      for (const v of finiteCases(n, r)) {
        const want = refOrder(v);
        expect(Array.from(argsort(v, n, new Int32Array(n), new Int32Array(n))), `n=${n} [${v.slice(0, 8).join(',')}…]`).toEqual(want);
        const order = dirty(n + 3, n, 3), scratch = dirty(n + 3, n, 5);
        const tail = Array.from(order.subarray(n));
        argsort(v, n, order, scratch);
        expect(Array.from(order.subarray(0, n)), `dirty n=${n}`).toEqual(want);
        expect(Array.from(order.subarray(n))).toEqual(tail); // nothing past n is written
        // values longer than n: only the first n count
        const longer = [...v, -1e9, NaN, 1e9];
        expect(Array.from(argsort(longer, n, dirty(n + 3, n, 1), dirty(n + 3, n, 2)).subarray(0, n))).toEqual(want);
        expect(Array.from(mergeArgsort(v, n, new Int32Array(n), new Int32Array(n)))).toEqual(want);
        const merged = dirty(n + 3, n, 6);
        mergeArgsort(v, n, merged, dirty(n + 3, n, 7));
        expect(Array.from(merged.subarray(n))).toEqual(Array.from(dirty(n + 3, n, 6).subarray(n))); // nor by the merge sort
      }
    }
  });

  it('n = 1 sets order[0] even when the buffer holds garbage; n = 0 writes nothing', () => {
    expect(Array.from(argsort([42], 1, Int32Array.of(9), Int32Array.of(9)))).toEqual([0]);
    expect(Array.from(argsort([3, 2], 0, Int32Array.of(9, 8), Int32Array.of(7, 6)))).toEqual([9, 8]);
    expect(Array.from(argsort([2, 1], 2, Int32Array.of(9, 9), Int32Array.of(9, 9)))).toEqual([1, 0]);
    expect(Array.from(argsort([1, 1], 2, Int32Array.of(9, 9), Int32Array.of(9, 9)))).toEqual([0, 1]);
  });

  it('equal values after a larger one on the same key keep their index order', () => {
    // over [0, 10], 5.00002 (index 2) and 5.00001 twice share key 32768 (⌊x · 2¹⁶ / 10⌋): the insertion pass must not swap the two 5.00001
    expect(Array.from(argsort([0, 10, 5.00002, 5.00001, 5.00001], 5, new Int32Array(5), new Int32Array(5)))).toEqual([0, 3, 4, 2, 1]);
  });

  it('±∞ sort at the ends, ties among them by index', () => {
    const r = rng(11);
    for (const n of [2, 3, 5, 33, 40, 100]) {
      for (let rep = 0; rep < 5; rep++) {
        const v = Array.from({ length: n }, () => { const u = r(); return u < 0.15 ? Infinity : u < 0.3 ? -Infinity : Math.floor(u * 10); });
        expect(Array.from(argsort(v, n, dirty(n, n, 1), dirty(n, n, 4)))).toEqual(refOrder(v));
      }
    }
  });

  it('with NaN: the merge sort order (point 2 of the module doc), whatever the position of the NaN (NaN compares false, so that order is not a sort of the finite values: callers drop NaN first)', () => {
    const r = rng(13);
    // the last three: nothing finite after the first value, so the first finite value seen in the scan never ends it
    const cases: number[][] = [[3, NaN, 1, 2], [3, 1, NaN, 2], [NaN, 3, 1, 2], [3, 1, 2, NaN], [1, 5, 3, NaN, 0, 2], [3, NaN, -Infinity], [0, NaN, NaN, -Infinity, Infinity], [3, Infinity, NaN, -Infinity, NaN]];
    for (const n of [4, 7, 33, 50]) {
      for (let rep = 0; rep < 6; rep++) cases.push(Array.from({ length: n }, () => (r() < 0.2 ? NaN : Math.floor(r() * 20))));
    }
    for (const v of cases) {
      const n = v.length;
      const want = Array.from(mergeArgsort(v, n, new Int32Array(n), new Int32Array(n)));
      expect(Array.from(argsort(v, n, dirty(n, n, 2), dirty(n, n, 6))), `[${v.join(',')}]`).toEqual(want);
    }
    expect(Array.from(mergeArgsort([3, NaN, 1, 2], 4, new Int32Array(4), new Int32Array(4)))).toEqual([2, 3, 0, 1]);
  });
});

/** What finiteArgsort's caller passes: min, max, sum and sum of squares of the values. */
function rangeOf(v: ArrayLike<number>): [number, number, number, number] {
  let min = Infinity, max = -Infinity, sum = 0, squares = 0;
  for (let k = 0; k < v.length; k++) { const x = v[k]!; min = Math.min(min, x); max = Math.max(max, x); sum += x; squares += x * x; }
  return [min, max, sum, squares];
}

/** A plain stable sort of the indices by value (Array.prototype.sort is stable), no subtraction. */
function stableOrder(v: ArrayLike<number>, n = v.length): number[] {
  return Array.from({ length: n }, (_, k) => k).sort((a, b) => (v[a]! < v[b]! ? -1 : v[a]! > v[b]! ? 1 : 0));
}

/** Finite values at the edges of the doubles: ±0, subnormals, the largest, one-ulp neighbours, heavy tails. */
function edgeCases(n: number, r: () => number): number[][] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const edges = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1, 1 + Number.EPSILON, 1 - Number.EPSILON / 2, -1];
  return [
    Array.from({ length: n }, () => pick(edges)), // only edge values: ties, ±0, (x − lo) overflowing to ∞
    Array.from({ length: n }, () => (r() < 0.1 ? pick(edges) : r() - 0.5)), // a few among ordinary values
    Array.from({ length: n }, () => (r() < 0.5 ? 0 : -0)), // ±0 only: one tie, index order
    Array.from({ length: n }, () => Math.floor(r() * 4) * 5e-324), // subnormal steps
    Array.from({ length: n }, () => { const u = r() - 0.5; return u / (1e-3 + Math.abs(u)) ** 3; }), // heavy tails beyond mean ± 3 sd
    Array.from({ length: n }, () => (r() < 0.9 ? 0.01 * Math.floor(r() * 3) : 1e6 * r())), // crowded centre, far outliers
    Array.from({ length: n }, () => 1e200 * (r() - 0.5)), // x² overflows: the deviation is ∞ or NaN
    Array.from({ length: n }, (_, k) => (k % 2 ? 1e-300 : -1e-300) * (1 + (k % 5))), // tiny range around 0
  ];
}

describe('argsort and finiteArgsort: exactly a stable sort by value, ties by index (issue 21: the keys over mean ± 3 sd)', () => {
  it('edge values, n from 0 to a few hundred: the order, and the values written in it to `sorted`', () => {
    const r = rng(23);
    for (let n = 0; n <= 320; n += n < 24 ? 1 : 37) {
      for (const v of [...edgeCases(n, r), ...finiteCases(n, r)]) {
        const want = stableOrder(v);
        const sorted = new Float64Array(n + 1).fill(7);
        expect(Array.from(argsort(v, n, dirty(n, n, 1), dirty(n, n, 2), sorted)), `n=${n} [${v.slice(0, 6).join(',')}…]`).toEqual(want);
        want.forEach((i, k) => expect(Object.is(sorted[k], v[i]), `sorted[${k}]`).toBe(true)); // −0 stays −0
        expect(sorted[n]).toBe(7); // nothing past n
      }
    }
  });

  it('finiteArgsort gives the same order whatever range the caller passes (the range only shapes the keys)', () => {
    const r = rng(29);
    for (const n of [0, 1, 2, 3, 10, 33, 64, 200]) {
      for (const v of [...edgeCases(n, r), ...finiteCases(n, r)]) {
        const want = stableOrder(v);
        const [min, max, sum, squares] = rangeOf(v);
        const ranges: Array<[number, number, number, number]> = [
          [min, max, sum, squares], // the true one
          [min, max, 0, 0], // no spread: the keys fall back to [min, max]
          [min, max, sum * 1e3, 0], // a mean outside [min, max]: negative variance, NaN deviation
          [min, max, n * max, n * max * max], // the deviation 0 at the top
          [min, max, NaN, NaN],
          [-1, 1, 0, n], // narrower or wider than the values: clamped to the end keys
        ];
        for (const [lo, hi, s, q] of ranges) {
          const sorted = new Float64Array(n);
          expect(Array.from(finiteArgsort(v, n, dirty(n, n, 3), sorted, lo, hi, s, q)), `n=${n} range ${lo},${hi},${s},${q}`).toEqual(want);
          expect(Array.from(sorted)).toEqual(want.map((i) => v[i]));
        }
        expect(Array.from(finiteArgsort(v, n, dirty(n, n, 3), undefined, min, max, sum, squares))).toEqual(want);
      }
    }
  });

  it('wider digits for more values (at least 8 keys a value, 8 to 12 bits a digit), the same order', () => {
    expect([1, 500, 8192, 8193, 32_768, 32_769, 131_072, 131_073, 2_097_152, 1e8].map(digitBits)).toEqual([8, 8, 8, 9, 9, 10, 10, 11, 12, 12]);
    const r = rng(41);
    for (const n of [9_000, 60_000, 300_000]) {
      // fat tails, ties (a tenth of the values on a grid of 100), and a crowded patch of near-equal values
      const v = Float64Array.from({ length: n }, () => { const u = r(); const x = r() - 0.5; return u < 0.1 ? Math.floor(r() * 100) : u < 0.15 ? 1 + r() * 1e-12 : x / (0.02 + Math.abs(x)) ** 2; });
      const sorted = new Float64Array(n);
      const got = finiteArgsort(v, n, dirty(n, n, 5), sorted, ...rangeOf(v));
      const want = stableOrder(v);
      let same = true;
      for (let k = 0; k < n && same; k++) same = got[k] === want[k] && sorted[k] === v[want[k]!];
      expect(same, `n=${n} (${digitBits(n)} bits a digit)`).toBe(true);
    }
  });

  it('with ±∞ and NaN, `sorted` holds the values in the merge sort\'s order', () => {
    const v = [3, -Infinity, NaN, 1, Infinity, 1, -0, 0];
    const sorted = new Float64Array(v.length);
    const order = argsort(v, v.length, new Int32Array(v.length), new Int32Array(v.length), sorted);
    expect(Array.from(order)).toEqual(Array.from(mergeArgsort(v, v.length, new Int32Array(v.length), new Int32Array(v.length))));
    expect(Array.from(sorted)).toEqual(Array.from(order, (i) => v[i]));
    const one = new Float64Array(1);
    argsort([-0], 1, new Int32Array(1), new Int32Array(1), one);
    expect(Object.is(one[0], -0)).toBe(true);
  });
});

describe('RankSpace: the diagnostics\' arrays in one WebAssembly memory', () => {
  it('ranks a side globally and within groups as the textbook does, ties and all, with the group sizes and Σ (t³ − t)', () => {
    const r = rng(59);
    for (const [m, groups, levels] of [[1, 1, 0], [2, 1, 1], [9, 2, 3], [300, 11, 0], [300, 11, 25], [1000, 4, 6]] as const) {
      const space = new RankSpace(m + 7, groups); // more room than the m ranked: sorted[m] is stale
      const { f } = space;
      f.sorted.fill(-1);
      const v = Array.from({ length: m }, () => (levels ? Math.floor(r() * levels) : r() - 0.5));
      const g = Array.from({ length: m }, () => Math.floor(r() * groups));
      f.values.set(v);
      space.group.set(g);
      let min = Infinity, max = -Infinity, sum = 0, squares = 0;
      for (const x of v) { min = Math.min(min, x); max = Math.max(max, x); sum += x; squares += x * x; }
      space.argsort(f, m, min, max, sum, squares);
      space.ranks(f, m);
      expect(Array.from(f.rank.subarray(0, m)), `m=${m}`).toEqual(textbookRanks(v));
      const runs = (xs: number[]) => { const count = new Map<number, number>(); for (const x of xs) count.set(x, (count.get(x) ?? 0) + 1); let t = 0; for (const c of count.values()) t += c ** 3 - c; return t; };
      for (let k = 0; k < groups; k++) {
        const members = g.flatMap((gk, i) => (gk === k ? [i] : []));
        const want = textbookRanks(members.map((i) => v[i]!));
        expect(members.map((i) => f.groupRank[i]), `m=${m}, group ${k}`).toEqual(want);
        expect(space.seen[k]).toBe(members.length);
        expect(f.ties[k]).toBe(runs(members.map((i) => v[i]!)));
      }
      expect(f.ties[groups]).toBe(runs(v));
    }
  });

  it('refuses arrays beyond WebAssembly\'s 4 GiB, naming them, and more values than it holds', () => {
    expect(() => new RankSpace(60_000_000, 3)).toThrow(/^ranking 60000000 values in 3 groups takes \d+ bytes, beyond WebAssembly's 4 GiB$/);
    const space = new RankSpace(4);
    expect(() => space.argsort(space.s, 5, 0, 1, 0, 0)).toThrow('5 values to sort in a RankSpace of 4');
    expect(() => space.gather(new Float64Array(5), new Float64Array(10), 0, 5, new Int32Array(5), undefined)).toThrow('5 columns to gather in a RankSpace of 4');
    expect(Array.from(space.argsort(space.s, 4, 0, 0, 0, 0))).toEqual([0, 1, 2, 3]); // all 0: one value, index order
  });
});

describe('ranks: the textbook average rank', () => {
  it('averageRanks and spearman on every shape of input', () => {
    const r = rng(17);
    for (let n = 0; n <= 80; n += n < 12 ? 1 : 17) {
      const cases = finiteCases(n, r);
      for (const v of cases) expect(Array.from(averageRanks(v))).toEqual(textbookRanks(v));
      for (let k = 0; k + 1 < cases.length; k++) {
        const want = textbookPearson(textbookRanks(cases[k]!), textbookRanks(cases[k + 1]!));
        const got = spearman(cases[k]!, cases[k + 1]!);
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 12);
      }
    }
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('ranksFromOrder ranks the first n only, whatever the buffers hold past n', () => {
    const v = [4, 1, 4, 2, 9, 9];
    const n = v.length;
    const sorted = refOrder(v);
    const want = textbookRanks(v);
    // past n: the index of the smallest value (a rank written past the end would overwrite its rank)
    const a = Int32Array.from([...sorted, sorted[0]!]);
    expect(Array.from(ranksFromOrder(v, a, n, new Float64Array(n)))).toEqual(want);
    // past n: an index whose value equals the last run's (a run walking past n would grow)
    const b = Int32Array.from([...sorted, sorted[n - 1]!]);
    expect(Array.from(ranksFromOrder(v, b, n, new Float64Array(n)))).toEqual(want);
    const ranks = new Float64Array(n + 2).fill(-1);
    ranksFromOrder(v, Int32Array.from([...sorted, sorted[0]!, sorted[1]!]), n, ranks);
    expect(Array.from(ranks)).toEqual([...want, -1, -1]);
  });
});

describe('pearson: the direct formula', () => {
  it('two points are perfectly correlated; one point, or a constant side, has no correlation', () => {
    expect(pearson([1, 2], [3, 5])).toBeCloseTo(1, 15);
    expect(pearson([1, 2], [5, 3])).toBeCloseTo(-1, 15);
    expect(pearson([1], [3])).toBeNull();
    expect(pearson([], [])).toBeNull();
    expect(pearson([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(pearson([4, 4, 4], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3, 100], [2, 4, 7, -50], 3)).toBeCloseTo(textbookPearson([1, 2, 3], [2, 4, 7])!, 14);
  });

  it('random pairs', () => {
    const r = rng(19);
    for (let n = 2; n < 40; n += 3) {
      const x = Array.from({ length: n }, () => r()), y = x.map((v) => v * 0.3 + r());
      expect(pearson(x, y)).toBeCloseTo(textbookPearson(x, y)!, 12);
    }
  });
});
