import { beforeEach, describe, expect, it } from 'vitest';
import { TradeLog } from '../../src/recorder/trade-log.ts';
import {
  avgHoldingDays, avgLoss, avgWin, expectancy, payoffRatio, profitFactor, winRate,
} from '../../src/metrics/round-trip-stats.ts';
import { roundTrips, roundTripTotals, tripTotals } from '../../src/metrics/round-trips.ts';
import { roundTripMetrics } from '../../src/metrics/tear-sheet.ts';
import { uniform } from './series.ts';

/** The totals of the trips of some fills, streamed; checked equal to the totals of the table of trips. */
function tripsOf(rows: Array<[bar: number, column: number, quantity: number, price: number]>, end: { bar: number; close: number[] }) {
  const log = new TradeLog();
  for (const [bar, column, quantity, price] of rows) log.push(bar, column, quantity, price, 0, 'rebalance');
  const fills = log.finish();
  const totals = roundTripTotals(fills, end);
  expect(totals).toEqual(tripTotals(roundTrips(fills, end)));
  return totals;
}

describe('round-trip statistics by hand', () => {
  // A: long 100 @ 10 → 11, pnl +100, return +10 %, 3 days;  B: long 100 @ 10 → 9.5, −50, −5 %, 1 day;
  // C: long 10 @ 10 → 10, pnl 0 (even), 5 days;  D: short 100 @ 10 → 9.7, +30, +3 %, 1 day;
  // E: long 100 @ 10 still open, marked at 20 (+1,000): left out of every statistic.
  // Built before each test, not while the file loads: `npm run mutate` credits a mutant only to the
  // tests that ran its code (see test/walkforward/record.test.ts).
  let trips: ReturnType<typeof tripsOf>;
  beforeEach(() => {
    trips = tripsOf([
      [0, 0, 100, 10], [1, 1, 100, 10], [2, 1, -100, 9.5], [2, 2, 10, 10], [3, 0, -100, 11],
      [3, 3, -100, 10], [4, 3, 100, 9.7], [5, 4, 100, 10], [7, 2, -10, 10],
    ], { bar: 9, close: [0, 0, 0, 0, 20] });
  });

  it('the totals: 4 closed trips (2 winners, 1 loser, 1 even), 1 open', () => {
    expect(trips).toMatchObject({ closed: 4, wins: 2, losses: 1, open: 1, holdingDays: 3 + 1 + 5 + 1 });
    expect(trips.grossProfit).toBeCloseTo(130, 10);
    expect(trips.grossLoss).toBeCloseTo(50, 10);
  });

  it('win_rate: 2 winners of 4 closed trips (the even trip counts in the denominator only)', () => {
    expect(winRate(trips)).toBe(0.5);
  });

  it('profit_factor = (100 + 30) / 50', () => {
    expect(profitFactor(trips)).toBeCloseTo(2.6, 12);
  });

  it('avg_win, avg_loss and payoff_ratio in returns: (10 % + 3 %) / 2, −5 %, 6.5 / 5', () => {
    expect(avgWin(trips)).toBeCloseTo(0.065, 14);
    expect(avgLoss(trips)).toBeCloseTo(-0.05, 14);
    expect(payoffRatio(trips)).toBeCloseTo(1.3, 12);
  });

  it('avg_holding_days = (3 + 1 + 5 + 1) / 4; expectancy = (10 − 5 + 0 + 3) % / 4', () => {
    expect(avgHoldingDays(trips)).toBe(2.5);
    expect(expectancy(trips)).toBeCloseTo(0.02, 14);
    // expectancy = win_rate × avg_win + loss_rate × avg_loss
    expect(expectancy(trips)).toBeCloseTo(0.5 * avgWin(trips)! + 0.25 * avgLoss(trips)!, 14);
  });

  it('roundTripMetrics gathers them under their summary.csv names', () => {
    const m = roundTripMetrics(trips);
    expect(Object.keys(m)).toEqual(['win_rate', 'profit_factor', 'avg_win', 'avg_loss', 'payoff_ratio', 'avg_holding_days', 'expectancy']);
    expect(m.win_rate).toBe(0.5);
    expect(m.avg_holding_days).toBe(2.5);
  });
});

describe('round-trip statistics: empty and one-sided', () => {
  it('no closed trip: all null (an open trip alone does not count)', () => {
    const open = tripsOf([[0, 0, 10, 10]], { bar: 3, close: [12] });
    expect(open.closed).toBe(0);
    expect(open.open).toBe(1);
    expect(Object.values(roundTripMetrics(open)).every((v) => v === null)).toBe(true);
  });

  it('only winners: no profit factor, no average loss, no payoff ratio', () => {
    const wins = tripsOf([[0, 0, 10, 10], [1, 0, -10, 11]], { bar: 3, close: [0] });
    expect(winRate(wins)).toBe(1);
    expect(profitFactor(wins)).toBeNull();
    expect(avgLoss(wins)).toBeNull();
    expect(payoffRatio(wins)).toBeNull();
    expect(avgWin(wins)).toBeCloseTo(0.1, 14);
  });
});

describe('round-trip statistics against filter and reduce over many random trips', () => {
  const u = uniform(17);
  const log = new TradeLog();
  for (let k = 0; k < 400; k++) {
    const column = k % 40, bar = Math.floor(k / 40) * 3 + (k % 3);
    const opening = Math.floor(k / 40) % 2 === 0;
    const side = column % 3 === 0 ? -1 : 1;
    log.push(bar, column, (opening ? 1 : -1) * side * 10, 10 + (u() - 0.5) * 2, 0.01, 'rebalance');
  }
  const fills = log.finish();
  const end = { bar: 40, close: new Array(40).fill(0) };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('each statistic', () => {
    const table = roundTrips(fills, end);
    const trips = roundTripTotals(fills, end);
    const pnl = Array.from(table.pnl).slice(0, table.closed);
    const ret = Array.from(table.ret).slice(0, table.closed);
    const wins = ret.filter((_, k) => pnl[k]! > 0), losses = ret.filter((_, k) => pnl[k]! < 0);
    expect(trips.closed).toBe(200);
    expect(winRate(trips)).toBe(pnl.filter((p) => p > 0).length / 200);
    const gain = pnl.filter((p) => p > 0).reduce((s, p) => s + p, 0), loss = -pnl.filter((p) => p < 0).reduce((s, p) => s + p, 0);
    expect(profitFactor(trips)).toBeCloseTo(gain / loss, 12);
    expect(avgWin(trips)).toBeCloseTo(mean(wins), 14);
    expect(avgLoss(trips)).toBeCloseTo(mean(losses), 14);
    expect(payoffRatio(trips)).toBeCloseTo(mean(wins) / -mean(losses), 12);
    expect(expectancy(trips)).toBeCloseTo(mean(ret), 14);
    expect(avgHoldingDays(trips)).toBeCloseTo(mean(Array.from(table.closeBar).map((c, k) => c - table.openBar[k]!).slice(0, 200)), 12);
  });
});
