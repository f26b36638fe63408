import { describe, expect, it } from 'vitest';
import type { VariantOutcome } from '../../src/metrics/outcome.ts';
import { chooseFolds, rankWindow } from '../../src/walkforward/index.ts';

/**
 * Each fold's choice on equity curves made by hand (test/walkforward/no-look-ahead.test.ts checks
 * whole runs): a ruin counts only once it has happened by the window's end, and then puts the
 * variant after every solvent one whatever its metric.
 */
const cash = 100;
/** A variant's outcome as the ranking reads it: id, its curve over the evaluation window, the panel bar of its ruin (or −1). */
const outcome = (id: number, equity: number[], ruinedAt = -1) =>
  ({ id, params: { id }, result: { curve: { equity: Float64Array.from(equity) }, ruinedAt } }) as unknown as VariantOutcome;

// Ten days. Variant 1 falls on day 1 and stays 1 % under water: 9 days of drawdown. Variant 2 climbs to day 4,
// then is ruined at day 5's close (the panel bar 15: the window starts at bar 10): 5 days of drawdown, fewer —
// but a ruin. Variant 3 falls on day 0 and never recovers: 10 days.
const one = [100, 99, 99, 99, 99, 99, 99, 99, 99, 99];
const two = [101, 102, 103, 104, 105, 0, 0, 0, 0, 0];
const three = [99, 99, 99, 99, 99, 99, 99, 99, 99, 99];
const outcomes = [outcome(1, one), outcome(2, two, 15), outcome(3, three)];
const ctx = { rankBy: 'max_drawdown_days', cash, first: 10, benchmark: new Float64Array(10), riskFree: 0 };

describe('choosing on the training days', () => {
  it('a variant ruined by the window\'s end ranks after every solvent one, whatever its metric', () => {
    const r = rankWindow(outcomes, 0, 9, ctx);
    expect(r.values).toEqual([9, 5, 10]);
    expect(r.order).toEqual([0, 2, 1]);
  });

  it('a ruin after the window is the future: before it, the variant is judged on its metric', () => {
    expect(rankWindow(outcomes, 0, 4, ctx).order).toEqual([1, 0, 2]); // 0, 4 and 5 days of drawdown
    expect(rankWindow(outcomes, 0, 5, ctx).order[2]).toBe(1); // ruined on day 5: within the window
  });

  it('a ruin on the window\'s very first bar counts', () => {
    // both 4 days under water over days 0–3: the tie would go to the lower id, the ruined variant 1
    const early = [outcome(1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0), outcome(2, three)];
    const r = rankWindow(early, 0, 3, { ...ctx, first: 0 });
    expect(r.values).toEqual([4, 4]);
    expect(r.order).toEqual([1, 0]);
  });

  it('each fold: the first of the training ranking, its value there, and where it ranked over the test days', () => {
    const folds = [
      { index: 0, trainStart: 0, trainEnd: 4, testStart: 5, testEnd: 9 },
      { index: 1, trainStart: 0, trainEnd: 6, testStart: 7, testEnd: 9 },
    ];
    const choices = chooseFolds(outcomes, folds, ctx);
    // fold 1 chooses variant 2 (no drawdown in days 0–4); over days 5–9 it is ruined: last of 3, variant 1 and 3 tie at 0 days → 1 best
    expect(choices[0]).toMatchObject({ chosen: 1, isValue: 0, oosRank: 3, oosOf: 3, oosBest: 0 });
    expect(choices[0]!.isAnnualReturn).toBeCloseTo((105 / 100) ** (252 / 5) - 1, 9);
    // fold 2: variant 2 was ruined on day 5, within the training days; variant 1 (6 days) beats 3 (7); out of sample all
    // three sit at 0 days of drawdown (a flat window): ties to the lower id, so variant 1 ranks first
    expect(choices[1]).toMatchObject({ chosen: 0, isValue: 6, oosRank: 1, oosOf: 3, oosBest: 0 });
  });
});
