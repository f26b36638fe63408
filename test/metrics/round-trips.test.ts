import { beforeEach, describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { TradeLog, type TradeColumns } from '../../src/recorder/trade-log.ts';
import { roundTripRows, ROUND_TRIP_COLUMNS } from '../../src/metrics/round-trip-rows.ts';
import { roundTrips, roundTripTotals, runEnd, tripTotals, type RoundTrips } from '../../src/metrics/round-trips.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { strategyOf } from '../support/strategies.ts';
import { uniform } from './series.ts';

type Fill = [bar: number, column: number, quantity: number, price: number, fee: number];

function fills(...rows: Fill[]): TradeColumns {
  const log = new TradeLog();
  for (const [bar, column, quantity, price, fee] of rows) log.push(bar, column, quantity, price, fee, 'rebalance');
  return log.finish();
}

/** Trip k as a plain object, for comparing. */
function trip(t: RoundTrips, k: number) {
  return {
    column: t.column[k], side: t.side[k], openBar: t.openBar[k], closeBar: t.closeBar[k], open: t.open[k],
    quantity: t.quantity[k], entry: t.entry[k], exit: t.exit[k], fees: t.fees[k], pnl: t.pnl[k], ret: t.ret[k],
  };
}

const NO_MARKS = { bar: 9, close: [0, 0, 0, 0] }; // four columns, nothing held at the end

/** Every column holds exactly the trips: no spare rows at the end for a sum or a chart to read. */
function expectExactColumns(t: RoundTrips): void {
  const { length, closed, ...columns } = t;
  expect(closed).toBeLessThanOrEqual(length);
  for (const [name, values] of Object.entries(columns)) expect([name, values.length]).toEqual([name, length]);
}

describe('round trips by hand', () => {
  it('a long opened and closed: pnl net of both fees, return on the entry notional, holding days in bars', () => {
    const t = roundTrips(fills([1, 0, 100, 10, 1], [5, 0, -100, 12, 1.2]), NO_MARKS);
    expect(t.length).toBe(1);
    expect(t.closed).toBe(1);
    const x = trip(t, 0);
    expect(x).toMatchObject({ column: 0, side: 1, openBar: 1, closeBar: 5, open: 0, quantity: 100, entry: 10, exit: 12 });
    expect(x.fees).toBeCloseTo(2.2, 12);
    expect(x.pnl).toBeCloseTo(1200 - 1000 - 2.2, 10);
    expect(x.ret).toBeCloseTo(197.8 / 1000, 12);
  });

  it('partial fills: entries and exits volume-weighted, one trip from flat to flat', () => {
    // buy 60 @ 10, buy 40 @ 11, sell 50 @ 12, sell 50 @ 9
    const t = roundTrips(fills([1, 0, 60, 10, 0.6], [2, 0, 40, 11, 0.44], [4, 0, -50, 12, 0.6], [6, 0, -50, 9, 0.45]), NO_MARKS);
    expect(t.length).toBe(1);
    const x = trip(t, 0);
    expect(x.quantity).toBe(100);
    expect(x.entry).toBeCloseTo(1040 / 100, 12);
    expect(x.exit).toBeCloseTo(1050 / 100, 12);
    expect(x.pnl).toBeCloseTo(1050 - 1040 - (0.6 + 0.44 + 0.6 + 0.45), 10);
    expect(x.openBar).toBe(1);
    expect(x.closeBar).toBe(6);
    expectExactColumns(t); // the adds and the trim open nothing
  });

  it('a short: sold first, bought back lower is a gain', () => {
    const t = roundTrips(fills([0, 2, -50, 20, 1], [3, 2, 50, 18, 0.9]), NO_MARKS);
    expect(trip(t, 0)).toMatchObject({ column: 2, side: -1, quantity: 50, entry: 20, exit: 18 });
    expect(t.pnl[0]).toBeCloseTo(1000 - 900 - 1.9, 10);
    expect(t.ret[0]).toBeCloseTo(98.1 / 1000, 12);
  });

  it('a sign flip closes one trip and opens the other, splitting the fee by quantity', () => {
    // long 100 @ 10 (fee 1); sell 150 @ 12 (fee 1.8: 1.2 to the long's 100 shares, 0.6 to the short's 50); buy 50 @ 11 (fee 0.55)
    const t = roundTrips(fills([0, 0, 100, 10, 1], [2, 0, -150, 12, 1.8], [4, 0, 50, 11, 0.55]), NO_MARKS);
    expect(t.length).toBe(2);
    expect(trip(t, 0)).toMatchObject({ side: 1, openBar: 0, closeBar: 2, quantity: 100, entry: 10, exit: 12 });
    expect(t.fees[0]).toBeCloseTo(2.2, 12);
    expect(t.pnl[0]).toBeCloseTo(200 - 2.2, 10);
    expect(trip(t, 1)).toMatchObject({ side: -1, openBar: 2, closeBar: 4, quantity: 50, entry: 12, exit: 11 });
    expect(t.fees[1]).toBeCloseTo(1.15, 12);
    expect(t.pnl[1]).toBeCloseTo(50 - 1.15, 10);
  });

  it('a short flipped into a long: the short closes with the first 50 shares, the long opens with the other 30', () => {
    // sell 50 @ 20 (fee 1); buy 80 @ 18 (fee 2.4: 1.5 to the short's 50 shares, 0.9 to the long's 30); sell 30 @ 19 (fee 0.6)
    const t = roundTrips(fills([0, 1, -50, 20, 1], [1, 1, 80, 18, 2.4], [3, 1, -30, 19, 0.6]), NO_MARKS);
    expect(t.length).toBe(2);
    expect(t.closed).toBe(2);
    expectExactColumns(t);
    expect(trip(t, 0)).toMatchObject({ column: 1, side: -1, openBar: 0, closeBar: 1, open: 0, quantity: 50, entry: 20, exit: 18 });
    expect(t.fees[0]).toBeCloseTo(2.5, 12);
    expect(t.pnl[0]).toBeCloseTo(1000 - 900 - 2.5, 10);
    expect(trip(t, 1)).toMatchObject({ column: 1, side: 1, openBar: 1, closeBar: 3, open: 0, quantity: 30, entry: 18, exit: 19 });
    expect(t.fees[1]).toBeCloseTo(1.5, 12);
    expect(t.pnl[1]).toBeCloseTo(570 - 540 - 1.5, 10);
    expect(t.ret[1]).toBeCloseTo(28.5 / 540, 12);
  });

  it('round_trips.csv rows by hand: symbol and dates by column and bar, long or short, an open trip without a close date', () => {
    const t = roundTrips(fills([0, 1, -50, 20, 1], [1, 1, 80, 18, 2.4], [2, 0, 10, 5, 0]), { bar: 3, close: [6, 17] });
    const rows = [...roundTripRows(t, 'v7', ['2024-03-01', '2024-03-04', '2024-03-05', '2024-03-06'], ['AAA', 'BBB'])];
    expect(rows.map((row) => row.slice(0, 5))).toEqual([
      ['v7', 'BBB', 'short', '2024-03-01', '2024-03-04'],
      ['v7', 'AAA', 'long', '2024-03-05', null], // open trips follow the closed one, by column
      ['v7', 'BBB', 'long', '2024-03-04', null],
    ]);
    expect(rows.map((row) => [row[5], row[10]])).toEqual([[50, 1], [10, 1], [30, 2]]); // quantity, holding days
    expect(rows[1]!.slice(6, 9)).toEqual([5, 6, 10]); // entry, exit marked at the last close, pnl
    expect(rows[2]![8]).toBeCloseTo(30 * (17 - 18) - 0.9, 10);
  });

  it('a position still held at the end is an open trip, marked at the last close, listed after the closed ones', () => {
    // column 1: buy 100 @ 10, sell 40 @ 11, 60 left at a last close of 13; column 0: a closed trip
    const t = roundTrips(fills([0, 1, 100, 10, 0], [1, 0, 10, 5, 0], [2, 1, -40, 11, 0], [3, 0, -10, 6, 0]), { bar: 7, close: [6, 13] });
    expect(t.length).toBe(2);
    expect(t.closed).toBe(1);
    expect(trip(t, 0)).toMatchObject({ column: 0, open: 0, pnl: 10 });
    expect(trip(t, 1)).toMatchObject({ column: 1, open: 1, openBar: 0, closeBar: 7, quantity: 100, entry: 10 });
    expect(t.exit[1]).toBeCloseTo((440 + 60 * 13) / 100, 12);
    expect(t.pnl[1]).toBeCloseTo(440 + 780 - 1000, 10);
  });

  it('columns interleave; trips come out in the order they close', () => {
    const t = roundTrips(fills([0, 3, 10, 1, 0], [0, 1, 10, 1, 0], [1, 1, -10, 2, 0], [2, 3, -10, 3, 0]), NO_MARKS);
    expect(Array.from(t.column)).toEqual([1, 3]);
    expect(Array.from(t.pnl)).toEqual([10, 20]);
  });

  it('no fills: no trips', () => {
    const t = roundTrips(fills(), NO_MARKS);
    expect(t.length).toBe(0);
    expect(t.closed).toBe(0);
  });

  it('a fill in a column end.close does not cover is refused, not read as garbage', () => {
    expect(() => roundTrips(fills([0, 4, 10, 1, 0]), NO_MARKS)).toThrow(/column 4, but end.close has 4 columns/);
    expect(() => roundTripTotals(fills([0, 4, 10, 1, 0]), NO_MARKS)).toThrow(RangeError);
  });

  it('one call does not leak into the next (the per-column state is reused)', () => {
    const held = fills([0, 1, 10, 1, 0]);
    roundTrips(held, { bar: 3, close: [0, 2] });
    expect(roundTripTotals(fills([0, 0, 10, 1, 0], [1, 0, -10, 2, 0]), { bar: 3, close: [0, 2] })).toMatchObject({ closed: 1, open: 0 });
    expect(roundTrips(fills(), { bar: 3, close: [0, 2, 0, 0, 0, 0] }).length).toBe(0);
  });
});

/**
 * The second implementation: FIFO lots share by share's worth (pyfolio's extract_round_trips idea:
 * a queue of open lots per symbol, closing fills consume the oldest first), each lot carrying its fee
 * per share; a trip is everything matched between two moments the queue is empty.
 */
function fifoTrips(t: TradeColumns, end: { bar: number; close: ArrayLike<number> }) {
  type Lot = { qty: number; price: number; feePerShare: number };
  const books = new Map<number, { side: number; lots: Lot[]; openBar: number; pnl: number; inQty: number; inCost: number; outQty: number; outValue: number }>();
  const done: Array<{ column: number; side: number; openBar: number; closeBar: number; pnl: number; quantity: number; entry: number; exit: number }> = [];
  const finish = (column: number, bar: number) => {
    const b = books.get(column)!;
    done.push({ column, side: b.side, openBar: b.openBar, closeBar: bar, pnl: b.pnl, quantity: b.inQty, entry: b.inCost / b.inQty, exit: b.outValue / b.outQty });
    books.delete(column);
  };
  for (let k = 0; k < t.length; k++) {
    const column = t.column[k]!, price = t.price[k]!, bar = t.bar[k]!;
    let q = Math.abs(t.quantity[k]!);
    const sign = Math.sign(t.quantity[k]!);
    const feePerShare = t.fee[k]! / q;
    let b = books.get(column);
    if (b && b.side !== sign) {
      while (q > 0 && b.lots.length > 0) {
        const lot = b.lots[0]!;
        const take = Math.min(lot.qty, q);
        b.pnl += b.side * take * (price - lot.price) - take * (lot.feePerShare + feePerShare);
        b.outQty += take;
        b.outValue += take * price;
        lot.qty -= take;
        q -= take;
        if (lot.qty === 0) b.lots.shift();
      }
      if (b.lots.length === 0) {
        finish(column, bar);
        b = undefined;
      }
    }
    if (q > 0) {
      if (!b) {
        b = { side: sign, lots: [], openBar: bar, pnl: 0, inQty: 0, inCost: 0, outQty: 0, outValue: 0 };
        books.set(column, b);
      }
      b.lots.push({ qty: q, price, feePerShare });
      b.inQty += q;
      b.inCost += q * price;
    }
  }
  const open = [...books.keys()].sort((x, y) => x - y);
  for (const column of open) {
    const b = books.get(column)!;
    for (const lot of b.lots) {
      b.pnl += b.side * lot.qty * (end.close[column]! - lot.price) - lot.qty * lot.feePerShare;
      b.outQty += lot.qty;
      b.outValue += lot.qty * end.close[column]!;
    }
    finish(column, end.bar);
  }
  return { trips: done, closed: done.length - open.length };
}

function randomFills(seed: number, count: number, columns: number): TradeColumns {
  const u = uniform(seed);
  const log = new TradeLog();
  const held = new Float64Array(columns);
  for (let k = 0; k < count; k++) {
    const column = Math.floor(u() * columns);
    const choice = u();
    // close exactly a fifth of the time, otherwise a random signed trade that may add, trim or flip
    const q = choice < 0.2 && held[column] !== 0 ? -held[column]! : Math.round((u() - 0.5) * 200) || 1;
    held[column] = held[column]! + q;
    const price = 5 + 50 * u();
    log.push(Math.floor(k / 3), column, q, price, 0.0005 * Math.abs(q) * price, 'rebalance');
  }
  return log.finish();
}

describe('round trips against FIFO lot matching', () => {
  it('the same trips, pnl, entries and exits on 3,000 random fills in 12 columns (adds, trims, closes, flips)', () => {
    const t = randomFills(7, 3000, 12);
    const close = Array.from({ length: 12 }, (_, i) => 20 + i);
    const end = { bar: 1000, close };
    const ours = roundTrips(t, end);
    const theirs = fifoTrips(t, end);
    expect(ours.length).toBe(theirs.trips.length);
    expect(ours.closed).toBe(theirs.closed);
    expect(ours.closed).toBeGreaterThan(300);
    expect(roundTripTotals(t, end)).toEqual(tripTotals(ours)); // streamed totals = the table's
    expectExactColumns(ours);
    for (let k = 0; k < ours.length; k++) {
      const x = theirs.trips[k]!;
      expect([ours.column[k], ours.side[k], ours.openBar[k], ours.closeBar[k], ours.quantity[k]]).toEqual([x.column, x.side, x.openBar, x.closeBar, x.quantity]);
      expect(ours.pnl[k]).toBeCloseTo(x.pnl, 7);
      expect(ours.entry[k]).toBeCloseTo(x.entry, 10);
      expect(ours.exit[k]).toBeCloseTo(x.exit, 10);
      expect(ours.open[k]).toBe(k >= ours.closed ? 1 : 0);
    }
  });

  it('the closed trips are the ones the Portfolio counts', () => {
    const t = randomFills(8, 2000, 6);
    const portfolio = new Portfolio(1e9, 6);
    for (let k = 0; k < t.length; k++) portfolio.fill(t.column[k]!, t.quantity[k]!, t.price[k]!, t.fee[k]!);
    expect(roundTrips(t, { bar: 700, close: new Array(6).fill(10) }).closed).toBe(portfolio.roundTrips);
  });
});

describe('runEnd: where open trips are marked', () => {
  it('each symbol\'s last close on or before the last bar; an older one where that day has none; never a later one', () => {
    const panel = handPanel({
      dates: ['2024-03-01', '2024-03-04', '2024-03-05', '2024-03-06'],
      symbols: ['A', 'B', 'C', 'D'],
      close: [
        [10, 20, 30, null],
        [11, 21, null, null],
        [12, null, null, null],
        [13, 23, 33, 43], // after the last bar: never read
      ],
    });
    const end = runEnd(panel, 2);
    expect(end.bar).toBe(2);
    expect(Array.from(end.close)).toEqual([12, 21, 30, NaN]);
  });
});

describe('round trips of a simulated run', () => {
  // Five symbols over 60 days, a strategy that goes long and short at random weights every day with
  // commission: the trips' pnl, closed and marked, adds up to the run's profit.
  const dates = businessDates('2024-01-01', 60);
  const symbols = ['A', 'B', 'C', 'D', 'E'];
  // Run before each test, not while the file loads: `npm run mutate` credits a mutant only to the tests
  // that ran its code (see test/walkforward/record.test.ts).
  function run() {
    const u = uniform(99);
    const close = dates.map(() => symbols.map(() => 0));
    symbols.forEach((_, i) => {
      let p = 20 + 10 * i;
      dates.forEach((_, t) => { close[t]![i] = p = p * (1 + (u() - 0.5) * 0.06); });
    });
    const open = close.map((row) => row.map((c) => c * (1 + (u() - 0.5) * 0.01)));
    const panel = handPanel({ dates, symbols, close, open });
    const strategy = strategyOf(() => Object.fromEntries(symbols.map((s) => [s, u() < 0.3 ? 0 : (u() - 0.4) * 0.5])));
    const schedule = planSchedule(panel, parseIsoDate(dates[1]!)!, parseIsoDate(dates[59]!)!, 0, 'open');
    const cash = 100_000;
    const result = simulate(panel, strategy, {}, schedule, { cash, fractional: false, commissionBps: 5, slippageBps: 3 }, new FactorCache(panel), createContext(undefined));
    const lastClose = close[schedule.last]!;
    const trips = roundTrips(result.trades, { bar: schedule.last, close: lastClose });
    return { panel, schedule, cash, result, trips };
  }
  let panel: ReturnType<typeof handPanel>, schedule: ReturnType<typeof planSchedule>, cash: number, result: ReturnType<typeof simulate>, trips: ReturnType<typeof roundTrips>;
  beforeEach(() => {
    ({ panel, schedule, cash, result, trips } = run());
  });

  it('Σ pnl over all trips = final equity − starting cash; the closed ones are the run\'s round_trips', () => {
    const equity = result.curve.equity;
    const total = trips.pnl.reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(equity[equity.length - 1]! - cash, 6);
    expect(trips.closed).toBe(result.roundTrips);
    expect(trips.closed).toBeGreaterThan(20);
    expect(Array.from(trips.side).some((s) => s < 0)).toBe(true); // shorts were traded
  });

  it('round_trips.csv rows: dates and symbols by bar and column, an open trip without a close date', () => {
    const rows = [...roundTripRows(trips, 4, panel.dates, panel.symbols)];
    expect(ROUND_TRIP_COLUMNS).toEqual(['variant', 'symbol', 'side', 'open_date', 'close_date', 'quantity', 'entry', 'exit', 'pnl', 'return', 'holding_days']);
    expect(rows).toHaveLength(trips.length);
    const k = 0;
    expect(rows[k]).toEqual([
      4, symbols[trips.column[k]!], trips.side[k]! > 0 ? 'long' : 'short', dates[trips.openBar[k]!], dates[trips.closeBar[k]!],
      trips.quantity[k], trips.entry[k], trips.exit[k], trips.pnl[k], trips.ret[k], trips.closeBar[k]! - trips.openBar[k]!,
    ]);
    const last = rows[rows.length - 1]!;
    expect(trips.open[trips.length - 1]).toBe(1);
    expect(last[4]).toBeNull();
    expect(last[10]).toBe(schedule.last - trips.openBar[trips.length - 1]!);
  });
});
