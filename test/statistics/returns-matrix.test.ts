import { describe, expect, it } from 'vitest';
import {
  columnMoments, createReturnsMatrix, isFiniteColumn, returnsMatrixFrom, selectColumns, sharpeFromSums, variantColumn, writeVariantReturns,
} from '../../src/statistics/returns-matrix.ts';
import { sharpe } from '../../src/metrics/sharpe.ts';

describe('ReturnsMatrix: one columnar Float64Array a collector streams variants into', () => {
  it('starts as NaN, takes columns in any order, and reads them back as views', () => {
    const m = createReturnsMatrix(3, 4);
    expect(Array.from(m.values).every(Number.isNaN)).toBe(true);
    writeVariantReturns(m, 2, [0.01, -0.02, 0.03]);
    writeVariantReturns(m, 0, [0.1, 0.2, 0.3]);
    expect(Array.from(variantColumn(m, 2))).toEqual([0.01, -0.02, 0.03]);
    expect(Array.from(m.values.subarray(0, 3))).toEqual([0.1, 0.2, 0.3]);
    expect([0, 1, 2, 3].map((j) => isFiniteColumn(m, j))).toEqual([true, false, true, false]);
    expect(Array.from(selectColumns(m, [2, 0]).values)).toEqual([0.01, -0.02, 0.03, 0.1, 0.2, 0.3]);
  });

  it('refuses a column of the wrong length or outside the matrix', () => {
    const m = createReturnsMatrix(3, 2);
    expect(() => writeVariantReturns(m, 0, [1, 2])).toThrow(/2 returns, the window has 3 days/);
    expect(() => writeVariantReturns(m, 2, [1, 2, 3])).toThrow(RangeError);
    expect(() => returnsMatrixFrom(new Float64Array(5), 3, 2)).toThrow(RangeError);
  });

  it('per-column mean and sd are the summary’s: mean/sd × √252 is metrics’ sharpe, bit for bit', () => {
    const m = createReturnsMatrix(5, 2);
    writeVariantReturns(m, 0, [0.01, -0.004, 0.02, 0.003, -0.011]);
    writeVariantReturns(m, 1, [0.002, 0.002, 0.002, 0.002, 0.002]);
    const { mean, sd } = columnMoments(m);
    expect((mean[0]! / sd[0]!) * Math.sqrt(252)).toBe(sharpe(variantColumn(m, 0)));
    expect(sd[1]).toBe(0);
  });

  it('sharpeFromSums: the Sharpe of centred sums equals the two-pass Sharpe; no dispersion scores 0', () => {
    const x = [0.01, -0.004, 0.02, 0.003, -0.011], c = 0.002;
    const s1 = x.reduce((a, v) => a + (v - c), 0), s2 = x.reduce((a, v) => a + (v - c) ** 2, 0);
    const mu = x.reduce((a, v) => a + v, 0) / 5;
    const sd = Math.sqrt(x.reduce((a, v) => a + (v - mu) ** 2, 0) / 4);
    expect(sharpeFromSums(5, s1, s2, c)).toBeCloseTo(mu / sd, 14);
    expect(sharpeFromSums(4, 0, 0, 0.001)).toBe(0);
  });
});
