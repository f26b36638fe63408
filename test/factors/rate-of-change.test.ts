import { describe, expect, it } from 'vitest';
import { rateOfChange } from '../../src/factors/rate-of-change.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/** Momentum's factor: close(t) / close(t − L) − 1, on closes chosen by hand. */
describe('rateOfChange', () => {
  const panel = handPanel({
    dates: businessDates('2024-01-01', 5),
    symbols: ['A', 'B', 'C'],
    close: [
      [100, 50, 10],
      [110, 40, null],
      [121, 45, 12],
      [99, 60, 15],
      [132, 30, 9],
    ],
  });
  const values = (lookback: number) => new FactorCache(panel).get(rateOfChange(lookback)); // inside the tests: see test/vopa/kernels.test.ts
  const row = (values: Float64Array, t: number) => Array.from(values.subarray(t * 3, t * 3 + 3));

  it('L = 1: the daily return of each symbol', () => {
    const v = values(1);
    expect(row(v, 0).every(Number.isNaN)).toBe(true); // no earlier close
    const expected = [
      [0.1, -0.2, NaN], // C's close is missing on bar 1
      [0.1, 0.125, NaN], // … and so is the close it would start from on bar 2
      [99 / 121 - 1, 1 / 3, 0.25],
      [132 / 99 - 1, -0.5, -0.4],
    ];
    expected.forEach((want, k) => row(v, k + 1).forEach((x, i) => {
      if (Number.isNaN(want[i]!)) expect(x, `bar ${k + 1}, ${panel.symbols[i]}`).toBeNaN();
      else expect(x, `bar ${k + 1}, ${panel.symbols[i]}`).toBeCloseTo(want[i]!, 14);
    }));
  });

  it('L = 3: from the close three bars back, none before it exists', () => {
    const v = values(3);
    for (let t = 0; t < 3; t++) expect(row(v, t).every(Number.isNaN), `bar ${t}`).toBe(true);
    expect(row(v, 3)).toEqual([99 / 100 - 1, 60 / 50 - 1, 15 / 10 - 1]); // −1 %, +20 %, +50 %
    expect(row(v, 4)[0]).toBeCloseTo(0.2, 14); // 132 / 110
    expect(row(v, 4)[1]).toBeCloseTo(-0.25, 14); // 30 / 40
    expect(row(v, 4)[2]).toBeNaN(); // C's close of bar 1 is missing
  });

  it('is keyed by its lookback and refuses one below 1 or not whole', () => {
    expect(rateOfChange(20).key).toBe('roc(20)');
    expect(() => rateOfChange(0)).toThrow(/lookback must be an integer ≥ 1, got 0/);
    expect(() => rateOfChange(2.5)).toThrow(RangeError);
  });
});
