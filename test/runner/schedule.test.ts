import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { CUT_DAYS, planSchedule } from '../../src/runner/schedule.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';

const DATES = businessDates('2024-01-01', 6); // 01-01 … 01-08
const panel = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [1]) });
const day = (iso: string) => parseIsoDate(iso)!;

describe('the schedule of a run', () => {
  it('open fills decide from the close before start to the close before end; close fills on every day of the range', () => {
    expect(planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 0, 'open')).toMatchObject({ first: 2, last: 5, firstDecision: 1, lastDecision: 4, warnings: [] });
    expect(planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 0, 'close')).toMatchObject({ first: 2, last: 5, firstDecision: 2, lastDecision: 5, warnings: [] });
  });

  it('a warm-up that the data cannot give before start delays the first decision and the evaluation window, and says so', () => {
    const late = planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 3, 'open');
    expect([late.firstDecision, late.first]).toEqual([3, 4]); // scored from the first decision's fill
    expect(late.warnings).toEqual(['the data begin too late for a warm-up of 3 bars: the run trades from 2024-01-05 (first decision at the close of 2024-01-04) instead of 2024-01-03, and is scored from that day']);
    // close fills: scored from the first decision's close
    expect(planSchedule(panel, day(DATES[1]!), day(DATES[5]!), 3, 'close')).toMatchObject({ firstDecision: 3, first: 3 });
    // starting on the first bar with open fills
    const first = planSchedule(panel, day(DATES[0]!), day(DATES[5]!), 1, 'open');
    expect([first.firstDecision, first.first]).toEqual([1, 2]);
    // a sweep names the variant that needs the most history
    expect(planSchedule(panel, day(DATES[1]!), day(DATES[5]!), 2, 'open', 'variant 7 (lookback=250)').warnings).toEqual([
      'the data begin too late for the longest warm-up (variant 7 (lookback=250): 2 bars): every variant trades from 2024-01-04 (first decision at the close of 2024-01-03) instead of 2024-01-02, and all are scored from that day',
    ]);
  });

  it('a warm-up met exactly gives no warning, and a single decision is still a decision', () => {
    expect(planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 1, 'open').warnings).toEqual([]);
    const one = planSchedule(panel, day(DATES[5]!), day(DATES[5]!), 4, 'open'); // one trading day, decided at the close before it
    expect([one.firstDecision, one.lastDecision, one.warnings]).toEqual([4, 4, []]);
  });

  it('too little history for any decision is bad input: nothing would be scored', () => {
    expect(() => planSchedule(panel, day(DATES[4]!), day(DATES[5]!), 5, 'open')).toThrow(expect.objectContaining({ code: 'E_SHORT_HISTORY' }));
  });

  it('the short-history error says what the warm-up needs, how many bars come before the last decision close (its date), and what to do', () => {
    const dates = businessDates('2024-01-01', 6); // Mon 01-01 … Mon 01-08
    const six = handPanel({ dates, symbols: ['A'], close: dates.map(() => [1]) });
    // open fills, range 01-05 … 01-08: the last decision is at 01-05's close (bar 4), with bars 0–3 before it; a warm-up of 5 needs one more
    const thrown = (longest?: string) => {
      try {
        planSchedule(six, day('2024-01-05'), day('2024-01-08'), 5, 'open', longest);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const plain = thrown();
    expect(plain).toBeInstanceOf(DataError);
    expect(plain).toMatchObject({
      code: 'E_SHORT_HISTORY',
      message: 'the data hold too little history: the strategy needs a warm-up of 5 bars, and only 4 bar(s) come before the last decision close (2024-01-05); start later, or give data from further back',
    });
    // in a sweep, the variant that needs the most history is named instead
    expect(thrown('variant 3 (lookback=5)')).toMatchObject({
      code: 'E_SHORT_HISTORY',
      message: 'the data hold too little history: variant 3 (lookback=5) needs a warm-up of 5 bars, and only 4 bar(s) come before the last decision close (2024-01-05); start later, or give data from further back',
    });
  });

  it(`a range reaching more than ${CUT_DAYS} days before the data's first trading day or past its last is cut to the data, with one warning giving the dates used`, () => {
    const dates = businessDates('2024-01-01', 6); // Mon 01-01 … Mon 01-08
    const six = handPanel({ dates, symbols: ['A'], close: dates.map(() => [1]) });
    // close fills: the first decision is start's close, so no warm-up warning comes with a start before the data
    const plan = (start: string, end: string) => planSchedule(six, day(start), day(end), 0, 'close');
    // starting 6 days before the first trading day
    expect(plan('2023-12-26', '2024-01-08')).toMatchObject({
      first: 0, last: 5,
      warnings: ["the range starts 2023-12-26 but the data's first trading day in it is 2024-01-01: the run covers 2024-01-01 → 2024-01-08"],
    });
    // ending 7 days after the last one
    expect(plan('2024-01-02', '2024-01-15')).toMatchObject({
      first: 1, last: 5,
      warnings: ["the range ends 2024-01-15 but the data's last trading day is 2024-01-08: the run covers 2024-01-02 → 2024-01-08"],
    });
    // both: one warning naming both ends
    expect(plan('2023-12-20', '2024-01-20').warnings).toEqual([
      "the range starts 2023-12-20 but the data's first trading day in it is 2024-01-01, and ends 2024-01-20 but the data's last trading day is 2024-01-08: the run covers 2024-01-01 → 2024-01-08",
    ]);
    // a gap inside the data counts the same: the first trading day in the range is what the start is measured against
    const gapDates = ['2024-01-01', '2024-01-02', '2024-01-15', '2024-01-16'];
    const gap = handPanel({ dates: gapDates, symbols: ['A'], close: gapDates.map(() => [1]) });
    expect(planSchedule(gap, day('2024-01-08'), day('2024-01-16'), 0, 'close').warnings).toEqual([
      "the range starts 2024-01-08 but the data's first trading day in it is 2024-01-15: the run covers 2024-01-15 → 2024-01-16",
    ]);
  });

  it(`a range ${CUT_DAYS} days or fewer past the data at either end (a weekend, a holiday) is not a cut: no warning`, () => {
    const dates = businessDates('2024-01-01', 6); // Mon 01-01 … Mon 01-08
    const six = handPanel({ dates, symbols: ['A'], close: dates.map(() => [1]) });
    // Wed 2023-12-27 is 5 days before Mon 01-01; Sat 2024-01-13 is 5 days after Mon 01-08
    expect(planSchedule(six, day('2023-12-27'), day('2024-01-13'), 0, 'close')).toMatchObject({ first: 0, last: 5, warnings: [] });
    expect(planSchedule(six, day('2023-12-30'), day('2024-01-07'), 0, 'close')).toMatchObject({ first: 0, last: 4, warnings: [] });
  });

  it('a range without trading days is a data error', () => {
    expect(() => planSchedule(panel, day('2024-02-01'), day('2024-02-05'), 0, 'open')).toThrow(
      expect.objectContaining({ code: 'E_NO_TRADING_DAYS', message: 'no trading days between 2024-02-01 and 2024-02-05 in the data' }),
    );
  });
});
