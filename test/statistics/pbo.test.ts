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
  });
});
