import { describe, expect, it } from 'vitest';
import { planSchedule } from '../../src/runner/schedule.ts';
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

  it('a range without trading days is a data error', () => {
    expect(() => planSchedule(panel, day('2024-02-01'), day('2024-02-05'), 0, 'open')).toThrow(
      expect.objectContaining({ code: 'E_NO_TRADING_DAYS', message: 'no trading days between 2024-02-01 and 2024-02-05 in the data' }),
    );
  });
});
