import { describe, expect, it } from 'vitest';
import { borrowFee, cashInterest, FINANCING_DAYS } from '../../src/broker/financing.ts';
import { belowMaintenance, capLeverage, cutBackTargets, DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../../src/broker/margin.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';

/**
 * The financing and solvency rules on books made by hand (the runner's tests check them inside whole
 * simulations): every expected value is the README's formula worked out here.
 */

/** A book of `cash` and positions (shares per column), marked at `marks`. */
function book(cash: number, shares: readonly number[], marks: readonly number[]): Portfolio {
  const p = new Portfolio(cash, shares.length);
  shares.forEach((q, i) => { if (q !== 0) p.fill(i, q, 0, 0); });
  p.mark(Float64Array.from(marks));
  return p;
}

describe('overnight financing (borrow fee on shorts, interest on free cash)', () => {
  it('the flat borrow fee: Σ |short value| × bps / 10,000 / 252, longs free', () => {
    // long 100 × 50 = 5,000; short −200 × 20 = −4,000 and −10 × 30 = −300: short value 4,300
    const p = book(10_000, [100, -200, -10], [50, 20, 30]);
    expect(FINANCING_DAYS).toBe(252);
    expect(borrowFee(p, Float64Array.of(50, 20, 30), undefined, 0, 100)).toBeCloseTo((4_300 * 100) / 10_000 / 252, 12);
    expect(borrowFee(book(10_000, [100, 0, 0], [50, 20, 30]), Float64Array.of(50, 20, 30), undefined, 0, 100)).toBe(0);
  });

  it('a borrow table: each short at its own rate that day (this bar\'s row), the flat rate where the table has none', () => {
    const p = book(10_000, [100, -200, -10, -5], [50, 20, 30, 40]);
    const marks = Float64Array.of(50, 20, 30, 40);
    // two bars × 4 columns; bar 1 (row 4): column 1 at 300 bps, column 2 NaN (none: flat), column 3 at 50 bps, column 0 (long) at 900 (unused)
    const rates = Float64Array.of(1, 1, 1, 1, 900, 300, NaN, 50);
    const expected = (200 * 20 * 300 + 10 * 30 * 100 + 5 * 40 * 50) / 10_000 / 252;
    expect(borrowFee(p, marks, rates, 4, 100)).toBeCloseTo(expected, 12);
    // bar 0's row: 1 bps for everyone short
    expect(borrowFee(p, marks, rates, 0, 100)).toBeCloseTo(((200 * 20 + 10 * 30 + 5 * 40) * 1) / 10_000 / 252, 12);
  });

  it('cash interest on cash beyond the short proceeds only, nothing on a debit', () => {
    // cash 10,000 + 4,000 of short proceeds: 10,000 earns 3 % a year
    const p = book(14_000, [0, -200], [50, 20]);
    expect(cashInterest(p, 0.03)).toBeCloseTo((10_000 * 0.03) / 252, 12);
    // all cash is collateral: nothing; a debit balance (bought on margin): nothing, not a negative interest
    expect(cashInterest(book(4_000, [0, -200], [50, 20]), 0.03)).toBe(0);
    expect(cashInterest(book(-2_000, [100, 0], [50, 20]), 0.03)).toBe(0);
    expect(cashInterest(book(3_999, [0, -200], [50, 20]), 0.03)).toBe(0);
  });
});

describe('solvency rules (Reg T style: 2 × equity gross at most, 25 % maintenance)', () => {
  it('defaults: leverage 2, maintenance 25 %', () => {
    expect(DEFAULT_MAX_LEVERAGE).toBe(2);
    expect(DEFAULT_MAINTENANCE_MARGIN).toBe(0.25);
  });

  it('caps the gross of the targets at the limit, every weight scaled alike; at or under the limit nothing changes', () => {
    const t = Float64Array.of(1.5, -1, 0.5); // gross 3
    expect(capLeverage(t, 2)).toBe(true);
    [1, -2 / 3, 1 / 3].forEach((w, i) => expect(t[i]).toBeCloseTo(w, 14));
    expect(Math.abs(t[0]!) + Math.abs(t[1]!) + Math.abs(t[2]!)).toBeCloseTo(2, 14);
    const exact = Float64Array.of(1, -1);
    expect(capLeverage(exact, 2)).toBe(false);
    expect(Array.from(exact)).toEqual([1, -1]);
  });

  it('is below maintenance when equity < 25 % of gross, never without a position', () => {
    expect(belowMaintenance(24.99, 100, 0.25)).toBe(true);
    expect(belowMaintenance(25, 100, 0.25)).toBe(false);
    expect(belowMaintenance(-5, 0, 0.25)).toBe(false);
  });

  it('cuts a book back to the limit at the fill prices (the last mark where there is none), each position scaled alike', () => {
    // cash −15,000; long 300 × 60 = 18,000, short −100 × 30 = −3,000: equity 0 … at these prices:
    // prices (60, NaN → mark 30): equity = −15,000 + 18,000 − 3,000 = 0 → no equity: nothing to do
    const out = new Float64Array(2).fill(7);
    expect(cutBackTargets(book(-15_000, [300, -100], [60, 30]), Float64Array.of(60, NaN), Float64Array.of(60, 30), 2, out)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7]);
    // cash −10,000: equity 5,000, gross 21,000 > 2 × 5,000 → scale 10,000/21,000; targets q·p·scale/E
    const p = book(-10_000, [300, -100], [60, 30]);
    expect(cutBackTargets(p, Float64Array.of(60, NaN), Float64Array.of(55, 30), 2, out)).toBe(true);
    const scale = 10_000 / 21_000;
    expect(out[0]).toBeCloseTo((300 * 60 * scale) / 5_000, 12);
    expect(out[1]).toBeCloseTo((-100 * 30 * scale) / 5_000, 12);
    expect(Math.abs(out[0]!) + Math.abs(out[1]!)).toBeCloseTo(2, 12);
    // the fill price, not the mark, where there is one: at 50 for column 0 equity is 2,000, gross 18,000
    expect(cutBackTargets(p, Float64Array.of(50, 30), Float64Array.of(60, 30), 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo((300 * 50 * (4_000 / 18_000)) / 2_000, 12);
    // within the limit: false, and the targets are left alone
    const fine = new Float64Array(2).fill(3);
    expect(cutBackTargets(book(20_000, [300, -100], [60, 30]), Float64Array.of(60, 30), Float64Array.of(60, 30), 2, fine)).toBe(false);
    expect(Array.from(fine)).toEqual([3, 3]);
    // exactly at the limit (gross = 2 × equity) is within it: 10,000 cash, long 400 × 50 = 20,000 bought on margin → E 10,000
    expect(cutBackTargets(book(-10_000, [400, 0], [50, 30]), Float64Array.of(50, 30), Float64Array.of(50, 30), 2, fine)).toBe(false);
  });

  it('zeroes the targets of columns the book does not hold', () => {
    const out = Float64Array.of(9, 9, 9);
    expect(cutBackTargets(book(-10_000, [300, 0, -100], [60, 10, 30]), Float64Array.of(60, 10, 30), Float64Array.of(60, 10, 30), 2, out)).toBe(true);
    expect(out[1]).toBe(0);
  });
});
