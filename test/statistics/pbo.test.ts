import { describe, expect, it } from 'vitest';
import { binomial, blockBounds, combinationIndex, logitHistogram, probabilityOfBacktestOverfitting } from '../../src/statistics/pbo.ts';
import type { ReturnsMatrix } from '../../src/statistics/returns-matrix.ts';
import { combinations, matrixOf, noiseMatrix, normals, sharpeOfRows } from './helpers.ts';

/**
 * CSCV written the obvious way: every split in lexicographic order of its in-sample blocks, every
 * column's Sharpe re-computed from the raw rows of each half, the first highest in-sample Sharpe as
 * n*, its out-of-sample midrank, λ.
 */
function plainPbo(m: ReturnsMatrix, S: number) {
  const { days: T, variants: N } = m;
  const rowsOf = (blocks: number[]) => blocks.flatMap((b) => Array.from({ length: Math.floor(((b + 1) * T) / S) - Math.floor((b * T) / S) }, (_, i) => Math.floor((b * T) / S) + i));
  const column = (j: number) => m.values.subarray(j * T, (j + 1) * T);
  const out = { best: [] as number[], ranks: [] as number[], logits: [] as number[], isSharpe: [] as number[], oosSharpe: [] as number[] };
  for (const inSample of combinations(S, S / 2)) {
    const outOfSample = Array.from({ length: S }, (_, b) => b).filter((b) => !inSample.includes(b));
    const is = Array.from({ length: N }, (_, j) => sharpeOfRows(column(j), rowsOf(inSample)));
    const oos = Array.from({ length: N }, (_, j) => sharpeOfRows(column(j), rowsOf(outOfSample)));
    let best = 0;
    for (let j = 1; j < N; j++) if (is[j]! > is[best]!) best = j;
    const below = oos.filter((v) => v < oos[best]!).length, equal = oos.filter((v) => v === oos[best]!).length;
    const rank = below + (equal + 1) / 2;
    out.best.push(best);
    out.ranks.push(rank);
    out.logits.push(Math.log(rank / (N + 1 - rank)));
    out.isSharpe.push(is[best]!);
    out.oosSharpe.push(oos[best]!);
  }
  const pbo = out.ranks.filter((r) => r <= (N + 1) / 2).length / out.ranks.length;
  return { ...out, pbo };
}

describe('PBO by CSCV (Bailey, Borwein, López de Prado & Zhu 2017)', () => {
  it('agrees exactly with the obvious implementation (all splits, raw series re-summed), ties and uneven blocks included', () => {
    const z = normals(21);
    const cases: [ReturnsMatrix, number][] = [
      [noiseMatrix(40, 6, 20), 4],
      [noiseMatrix(64, 9, 22, 0.01, 0.0005), 8],
      // 37 rows in 6 blocks (6 or 7 rows each); columns 1 and 4 identical (ties in sample and out of sample)
      [matrixOf(37, 5, (j, t) => (j === 4 ? Math.sin(t) * 0.01 : j === 1 ? Math.sin(t) * 0.01 : 0.01 * z())), 6],
    ];
    for (const [m, S] of cases) {
      const fast = probabilityOfBacktestOverfitting(m, S), plain = plainPbo(m, S);
      expect(fast.splits).toBe(binomial(S, S / 2));
      expect(Array.from(fast.best)).toEqual(plain.best);
      expect(Array.from(fast.ranks)).toEqual(plain.ranks);
      expect(fast.pbo).toBe(plain.pbo);
      fast.logits.forEach((l, s) => expect(l).toBeCloseTo(plain.logits[s]!, 14));
      fast.isSharpe.forEach((v, s) => expect(v).toBeCloseTo(plain.isSharpe[s]!, 12));
      fast.oosSharpe.forEach((v, s) => expect(v).toBeCloseTo(plain.oosSharpe[s]!, 12));
      expect(fast.probOosLoss).toBe(plain.oosSharpe.filter((v) => v < 0).length / plain.oosSharpe.length);
    }
  });

  it('a matrix whose in-sample best is the out-of-sample worst in every split gives exactly 1', () => {
    // S = 8 blocks of 4 rows. Column 0 has block sums (7, −1, …, −1)/1024: any half with block 0 sums to +4/1024,
    // the other half to −4/1024. Column 1 is its negative. Columns 2–4 have mean 0 in every block (Sharpe 0 in
    // every half). So in each split the in-sample best is column 0 or 1, and out of sample it is the only negative.
    const S = 8, rows = 4;
    const x = (t: number) => ((Math.floor(t / rows) === 0 ? 7 : -1) / rows + (t % 2 ? -0.5 : 0.5)) / 1024;
    const m = matrixOf(S * rows, 5, (j, t) => (j === 0 ? x(t) : j === 1 ? -x(t) : (j * (t % 2 ? -1 : 1)) / 1024));
    const r = probabilityOfBacktestOverfitting(m, S);
    expect(r.pbo).toBe(1);
    expect(Array.from(r.ranks).every((rank) => rank === 1)).toBe(true);
    expect(r.probOosLoss).toBe(1);
    expect(Array.from(r.isSharpe).every((v) => v > 0) && Array.from(r.oosSharpe).every((v) => v < 0)).toBe(true);
    expect(r.pbo).toBe(plainPbo(m, S).pbo);
  });

  it('independent noise columns give PBO ≈ ½: the mean over 400 independent sweeps is within 0.1 of ½ (Hoeffding: P ≤ 2e⁻⁸)', () => {
    // With iid rows and exchangeable columns, the in-sample best's out-of-sample rank is uniform on 1 … N, so each
    // split has P(rank ≤ (N + 1)/2) = ½ exactly for even N: E[PBO] = ½. PBO ∈ [0, 1] per sweep, so for the mean of
    // K = 400 independent sweeps P(|mean − ½| ≥ 0.1) ≤ 2·exp(−2·K·0.1²) = 2e⁻⁸ ≈ 6.7e-4.
    let sum = 0;
    const K = 400;
    for (let k = 0; k < K; k++) sum += probabilityOfBacktestOverfitting(noiseMatrix(64, 10, 1000 + k), 8).pbo;
    expect(Math.abs(sum / K - 0.5)).toBeLessThan(0.1);
  });

  it('one planted strong column among noise gives PBO ≈ 0', () => {
    // 20 noise columns (daily sd 1 %) and one with mean 0.4 % a day: its half-sample Sharpe (≈ 0.4, se ≈ 0.09 over
    // 126 days) stands about 2.5 se above the best noise column's (≈ 0.17), in and out of sample alike.
    const z = normals(31);
    const m = matrixOf(252, 21, (j) => (j === 13 ? 0.004 : 0) + 0.01 * z());
    const r = probabilityOfBacktestOverfitting(m, 16);
    expect(r.splits).toBe(12_870);
    expect(r.pbo).toBeLessThan(0.05);
    expect(Array.from(r.best).filter((b) => b === 13).length / r.splits).toBeGreaterThan(0.95);
    expect(r.probOosLoss).toBeLessThan(0.05);
  });

  it('the logit histogram spans [−ln N, ln N]; λ = 0 counts left of 0, so the left bins hold PBO × splits', () => {
    const m = noiseMatrix(48, 5, 40); // N = 5: midranks of 3 give λ = 0 exactly
    const r = probabilityOfBacktestOverfitting(m, 8);
    const h = logitHistogram(r.logits, 5, 20);
    expect(h.edges[0]).toBeCloseTo(-Math.log(5), 14);
    expect(h.edges[10]).toBe(0);
    expect(h.edges[20]).toBeCloseTo(Math.log(5), 14);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(r.splits);
    expect(h.counts.slice(0, 10).reduce((a, b) => a + b, 0)).toBe(Math.round(r.pbo * r.splits));
    expect(Array.from(r.logits).some((l) => l === 0)).toBe(true);
  });

  it('blocks: ⌊b·T/S⌋ bounds (252 rows in 16 blocks of 15 or 16); lexicographic split numbering', () => {
    const b = blockBounds(252, 16);
    expect(b[0]).toBe(0);
    expect(b[16]).toBe(252);
    for (let i = 0; i < 16; i++) expect([15, 16]).toContain(b[i + 1]! - b[i]!);
    combinations(8, 4).forEach((c, i) => expect(combinationIndex(c, 8)).toBe(i));
    expect(binomial(16, 8)).toBe(12_870);
  });

  it('refuses odd blocks, fewer than 2 days a block, and fewer than 2 columns', () => {
    const m = noiseMatrix(40, 4, 1);
    expect(() => probabilityOfBacktestOverfitting(m, 5)).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(m, 22)).toThrow(/need at least 44 days/);
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(40, 1, 1), 4)).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(m, 0)).toThrow('blocks 0: must be an even whole number ≥ 2');
    expect(() => probabilityOfBacktestOverfitting(m, -2)).toThrow('blocks -2: must be an even whole number ≥ 2');
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(40, 1, 1), 4)).toThrow('PBO needs at least 2 columns; the matrix has 1');
  });

  it('accepts the least it can work with: 2 blocks (2 splits), exactly 2 days a block, 2 columns', () => {
    const two = probabilityOfBacktestOverfitting(noiseMatrix(4, 2, 3), 2);
    expect(two.splits).toBe(2);
    const plain = plainPbo(noiseMatrix(4, 2, 3), 2);
    expect(Array.from(two.ranks)).toEqual(plain.ranks);
    expect(two.pbo).toBe(plain.pbo);
    const edge = noiseMatrix(16, 3, 4); // 8 blocks of exactly 2 days
    expect(probabilityOfBacktestOverfitting(edge, 8).pbo).toBe(plainPbo(edge, 8).pbo);
  });

  it('performance degradation: the least-squares line of n*\'s out-of-sample on its in-sample Sharpe across splits', () => {
    const m = noiseMatrix(64, 9, 22, 0.01, 0.0005);
    const r = probabilityOfBacktestOverfitting(m, 8), plain = plainPbo(m, 8);
    // the obvious two-pass regression over the plain implementation's pairs
    const n = plain.isSharpe.length;
    const mx = plain.isSharpe.reduce((a, b) => a + b, 0) / n, my = plain.oosSharpe.reduce((a, b) => a + b, 0) / n;
    let sxx = 0, sxy = 0;
    for (let s = 0; s < n; s++) { sxx += (plain.isSharpe[s]! - mx) ** 2; sxy += (plain.isSharpe[s]! - mx) * (plain.oosSharpe[s]! - my); }
    expect(r.slope).toBeCloseTo(sxy / sxx, 10);
    expect(r.intercept).toBeCloseTo(my - (sxy / sxx) * mx, 10);
    // the line passes through the means: noise has no skill to keep, so n*'s edge decays out of sample
    expect(r.slope!).toBeLessThan(1);
  });

  it('a column that never trades (all 0) and columns flat in every block: Sharpe 0 is no loss, and an in-sample Sharpe that never varies has no line', () => {
    // Every column has mean 0 in every block of 4 rows (±a alternating) or is 0 throughout: every half's Sharpe is 0.
    const m = matrixOf(32, 4, (j, t) => (j === 0 ? 0 : (j * (t % 2 ? -1 : 1)) / 1024));
    const r = probabilityOfBacktestOverfitting(m, 8);
    expect(Array.from(r.isSharpe).every((v) => v === 0) && Array.from(r.oosSharpe).every((v) => v === 0)).toBe(true);
    expect(r.probOosLoss).toBe(0);
    expect(r.slope).toBeNull();
    expect(r.intercept).toBeNull();
    // all tied: n* is the first column, at the midrank of 4 ties, (4 + 1)/2 = 2.5 → λ = 0, counted as overfit
    expect(Array.from(r.best).every((b) => b === 0)).toBe(true);
    expect(Array.from(r.ranks).every((v) => v === 2.5)).toBe(true);
    expect(r.pbo).toBe(1);
    // with noise beside it, the never-traded column still scores 0 (not NaN) in every half
    const z = normals(8);
    const mixed = matrixOf(40, 5, (j) => (j === 2 ? 0 : 0.01 * z()));
    const fast = probabilityOfBacktestOverfitting(mixed, 4), plain = plainPbo(mixed, 4);
    expect(Array.from(fast.best)).toEqual(plain.best);
    expect(Array.from(fast.ranks)).toEqual(plain.ranks);
  });

  it('columns whose mean moves between blocks (regimes): each half\'s own mean and variance, as the obvious implementation', () => {
    const z = normals(12);
    const m = matrixOf(48, 7, (j, t) => 0.004 * Math.sin((Math.floor(t / 6) + 1) * (j + 1)) + 0.003 * z());
    const fast = probabilityOfBacktestOverfitting(m, 8), plain = plainPbo(m, 8);
    expect(Array.from(fast.best)).toEqual(plain.best);
    expect(Array.from(fast.ranks)).toEqual(plain.ranks);
  });

  it('binomial coefficients: Pascal\'s triangle, 0 outside 0 ≤ r ≤ n', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => binomial(5, r))).toEqual([1, 5, 10, 10, 5, 1]);
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => binomial(6, r))).toEqual([1, 6, 15, 20, 15, 6, 1]);
    for (const r of [-2, -1, 6, 7]) expect(binomial(5, r)).toBe(0);
  });

  it('the logit histogram puts each λ in its bin (eᵢ, eᵢ₊₁], clamps the ends, and refuses an odd or empty bin count', () => {
    // N = 5, 4 bins: edges −ln 5, −ln 5 / 2, 0, ln 5 / 2, ln 5 (width ≈ 0.805)
    const h = logitHistogram(Float64Array.of(-1.5, -0.5, 0, 0.5, 1.0, 1.6, -3, 3), 5, 4);
    expect(h.edges).toHaveLength(5);
    expect(h.edges[1]).toBeCloseTo(-Math.log(5) / 2, 14);
    expect(h.counts).toEqual([2, 2, 1, 3]);
    expect(() => logitHistogram(Float64Array.of(0), 5, 3)).toThrow('bins 3: must be an even whole number ≥ 2');
    expect(() => logitHistogram(Float64Array.of(0), 5, 0)).toThrow('bins 0: must be an even whole number ≥ 2');
    expect(logitHistogram(Float64Array.of(-0.1, 0.1), 5, 2).counts).toEqual([1, 1]);
  });
});
