import { describe, expect, it } from 'vitest';
import { createReturnsMatrix, returnsMatrixFrom, variantColumn, writeVariantReturns } from '../../src/statistics/returns-matrix.ts';

// The returns matrix is where every variant's returns meet (local threads or queue jobs): a wrong
// shape or a wrong column must be refused with a message naming it, never written somewhere else.

describe('createReturnsMatrix', () => {
  it('takes 0 days or 0 variants (an empty run), and refuses negative or fractional sizes by name', () => {
    expect(createReturnsMatrix(0, 3)).toMatchObject({ days: 0, variants: 3 });
    expect(createReturnsMatrix(4, 0).values.length).toBe(0);
    expect(() => createReturnsMatrix(-1, 2)).toThrow('days -1: must be a whole number ≥ 0');
    expect(() => createReturnsMatrix(2.5, 2)).toThrow('days 2.5: must be a whole number ≥ 0');
    expect(() => createReturnsMatrix(3, -2)).toThrow('variants -2: must be a whole number ≥ 0');
    expect(() => createReturnsMatrix(3, 0.5)).toThrow('variants 0.5: must be a whole number ≥ 0');
  });
});

describe('returnsMatrixFrom', () => {
  it('wraps days × variants numbers without copying: variant j is values[j·days …]', () => {
    const values = Float64Array.of(0.1, 0.2, 0.3, -0.1, -0.2, -0.3);
    const m = returnsMatrixFrom(values, 3, 2);
    expect([m.days, m.variants]).toEqual([3, 2]);
    expect(m.values).toBe(values);
    expect(Array.from(variantColumn(m, 1))).toEqual([-0.1, -0.2, -0.3]);
    values[3] = 9; // a view: the matrix sees the change
    expect(variantColumn(m, 1)[0]).toBe(9);
  });

  it('refuses a length that is not days × variants, naming both', () => {
    expect(() => returnsMatrixFrom(new Float64Array(5), 3, 2)).toThrow('values has 5 numbers, expected 3 × 2');
    expect(() => returnsMatrixFrom(new Float64Array(2), 4, 2)).toThrow('values has 2 numbers, expected 4 × 2'); // 4 / 2 would be 2
  });
});

describe('writeVariantReturns', () => {
  it('refuses a column that is negative, fractional or past the last, and writes nothing', () => {
    const m = createReturnsMatrix(2, 3);
    expect(() => writeVariantReturns(m, -1, [1, 2])).toThrow('variant -1: not a column of a matrix with 3');
    expect(() => writeVariantReturns(m, 0.5, [1, 2])).toThrow('variant 0.5: not a column of a matrix with 3');
    expect(() => writeVariantReturns(m, 3, [1, 2])).toThrow('variant 3: not a column of a matrix with 3');
    expect(Array.from(m.values).every(Number.isNaN)).toBe(true);
  });
});
