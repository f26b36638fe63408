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

  it('a warm-up that the data cannot give before start delays the first decision, and says which close it wanted', () => {
    const late = planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 3, 'open');
    expect(late.firstDecision).toBe(3);
    expect(late.warnings).toEqual(['the data begin too late for a warm-up of 3 bars: the first decision is at the close of 2024-01-04 instead of the close of 2024-01-02']);
    // the wanted close is the data's first
    expect(planSchedule(panel, day(DATES[1]!), day(DATES[5]!), 2, 'open').warnings).toEqual([
      'the data begin too late for a warm-up of 2 bars: the first decision is at the close of 2024-01-03 instead of the close of 2024-01-01',
    ]);
    // starting on the first bar with open fills, the wanted close is before the data
    const first = planSchedule(panel, day(DATES[0]!), day(DATES[5]!), 1, 'open');
    expect(first.firstDecision).toBe(1);
    expect(first.warnings).toEqual(['the data begin too late for a warm-up of 1 bars: the first decision is at the close of 2024-01-02 instead of a close before 2024-01-01']);
  });

  it('a warm-up met exactly gives no warning, and a single decision is still a decision', () => {
    expect(planSchedule(panel, day(DATES[2]!), day(DATES[5]!), 1, 'open').warnings).toEqual([]);
    const one = planSchedule(panel, day(DATES[5]!), day(DATES[5]!), 4, 'open'); // one trading day, decided at the close before it
    expect([one.firstDecision, one.lastDecision, one.warnings]).toEqual([4, 4, []]);
  });

  it('too little history for any decision is said, not an error', () => {
    const none = planSchedule(panel, day(DATES[4]!), day(DATES[5]!), 5, 'open');
    expect(none.firstDecision).toBeGreaterThan(none.lastDecision);
    expect(none.warnings).toEqual(['the data hold too little history for a warm-up of 5 bars before 2024-01-08: no decision was made']);
  });

  it('a range without trading days is a data error', () => {
    expect(() => planSchedule(panel, day('2024-02-01'), day('2024-02-05'), 0, 'open')).toThrow(
      expect.objectContaining({ code: 'E_NO_TRADING_DAYS', message: 'no trading days between 2024-02-01 and 2024-02-05 in the data' }),
    );
  });
});
