import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costModel } from '../../src/broker/costs.ts';
import { capLeverage } from '../../src/broker/margin.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { rebalance, rebalanceScratch, type Fill } from '../../src/broker/rebalance.ts';
import { NO_COLUMNS, Targets } from '../../src/broker/targets.ts';

/** Targets from a dense array, listing its non-zero columns ascending. */
function listed(dense: readonly number[]): Targets {
  const t = new Targets(dense.length);
  dense.forEach((w, i) => { if (w !== 0) t.push(i, w); });
  return t;
}

// A book of up to 12 columns: some held (long or short), targets on some, a few prices missing.
const book = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  held: fc.array(fc.integer({ min: -300, max: 300 }), { minLength: n, maxLength: n }),
  targets: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.double({ min: -0.6, max: 0.6, noNaN: true })), { minLength: n, maxLength: n }),
  prices: fc.array(fc.oneof(fc.double({ min: 1, max: 200, noNaN: true }), fc.constant(NaN)), { minLength: n, maxLength: n }),
  cash: fc.double({ min: 0, max: 50_000, noNaN: true }),
  fractional: fc.boolean(),
}));

function fills(b: { held: number[]; targets: number[]; prices: number[]; cash: number; fractional: boolean }, sparse: boolean) {
  const n = b.held.length;
  const p = new Portfolio(b.cash, n);
  b.held.forEach((q, i) => { if (q !== 0) p.fill(i, q, 0, 0); });
  const marks = Float64Array.from(b.prices, (x) => (Number.isFinite(x) ? x : 50));
  const out: Fill[] = [];
  const skipped: number[] = [];
  const t = listed(b.targets);
  rebalance(p, sparse ? t.weights : Float64Array.from(b.targets), Float64Array.from(b.prices), marks, rebalanceScratch(n), {
    fractional: b.fractional,
    costs: costModel(3, 2),
    onFill: (f) => out.push(f),
    onSkip: (i) => skipped.push(i),
  }, sparse ? t : undefined);
  return { out, skipped, cash: p.cash, quantity: Array.from(p.quantity) };
}

describe('Targets (listed target columns)', () => {
  it('a rebalance given the listed columns makes the very fills of one that scans every column', () => {
    fc.assert(fc.property(book, (b) => {
      expect(fills(b, true)).toEqual(fills(b, false));
    }), { numRuns: 300, seed: 21 });
  });

  it('a listed column whose weight became 0 (scaled below the smallest double) neither trades nor reports a skip', () => {
    const t = new Targets(3);
    t.push(1, 5e-324);
    t.push(2, 4);
    expect(t.capLeverage(2)).toBe(true);
    expect(Array.from(t.weights)).toEqual([0, 0, 2]); // 5e-324 × 0.5 rounds to 0
    const p = new Portfolio(1000, 3);
    const seen: number[] = [];
    rebalance(p, t.weights, Float64Array.of(10, NaN, 10), Float64Array.of(10, 10, 10), rebalanceScratch(3), {
      fractional: false, costs: costModel(0, 0), onFill: (f) => seen.push(f.column), onSkip: (i) => seen.push(-1 - i),
    }, t);
    expect(seen).toEqual([2]);
  });

  it('caps the leverage bit for bit as the dense capLeverage does', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.1, max: 4, noNaN: true }), (w, max) => {
      const dense = Float64Array.from(w);
      const t = listed(w);
      expect(t.capLeverage(max)).toBe(capLeverage(dense, max));
      expect(Array.from(t.weights)).toEqual(Array.from(dense));
    }), { numRuns: 300, seed: 5 });
  });

  it('clear() zeroes every listed weight and forgets the columns', () => {
    const t = listed([0, 0.5, 0, -0.25]);
    expect(Array.from(t.columns.subarray(0, t.count))).toEqual([1, 3]);
    t.clear();
    expect(t.count).toBe(0);
    expect(Array.from(t.weights)).toEqual([0, 0, 0, 0]);
  });

  it('a margin cut (no listed columns) visits the held columns only', () => {
    const p = new Portfolio(-500, 3);
    p.fill(0, 10, 0, 0);
    p.fill(2, 20, 0, 0);
    const seen: number[] = [];
    rebalance(p, Float64Array.of(0.5, 0, 1), Float64Array.of(10, 10, 10), Float64Array.of(10, 10, 10), rebalanceScratch(3), {
      fractional: false, costs: costModel(0, 0), onFill: (f) => seen.push(f.column), onSkip: () => {},
    }, NO_COLUMNS);
    expect(seen).toEqual([0, 2]);
  });
});
