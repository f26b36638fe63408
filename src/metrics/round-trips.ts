import type { Panel } from '../panel/panel.ts';
import type { TradeColumns } from '../recorder/trade-log.ts';

/**
 * Round trips from a run's fills: one per position opened and closed, grouped flat to flat (LEAN's
 * FillGroupingMethod.FlatToFlat: "from a flat position to a non-zero position which may increase or
 * decrease in quantity, and back to a flat position"), longs and shorts alike.
 *
 * 1. Walk the fills in the order they were made, keeping per column the open trip's side, open bar,
 *    shares and notional bought into it (entry), sold out of it (exit), and fees.
 * 2. A fill from flat opens a trip; one in the trip's direction adds to its entry; one against it
 *    adds to its exit, and the trip closes when the position is flat again.
 * 3. A fill that flips the sign (long 100, sell 150) closes the trip with its first |before| shares
 *    (FIFO: the old position is matched first) and opens an opposite trip with the other |after|;
 *    its fee is split between the two in proportion to those quantities.
 * 4. Positions still held after the last fill are listed as open trips, marked at the last close
 *    (the rest of the position valued at `end.close`, no fee), their close bar `end.bar`.
 *    Open trips are kept out of the statistics (round-trip-stats.ts), which describe closed trips.
 * Each trip goes to a sink: `roundTrips` writes them into columns (for round_trips.csv and the
 * report); `roundTripTotals` only adds up what the statistics need, with no array per trip (for
 * summary.csv, in every variant of a sweep).
 *
 * Per trip: quantity = shares opened (= shares closed); entry = Σ|q|·price / Σ|q| over the fills that
 * opened or added, exit = the same over those that reduced or closed (volume-weighted);
 * fees = the fees of its fills (split on a flip); pnl = side × (exit notional − entry notional) − fees
 * = side × quantity × (exit − entry) − fees, the cash the trip made; return = pnl / (entry × quantity),
 * on the notional put in; holding days = close bar − open bar, in trading days.
 *
 * Under flat-to-flat grouping every share a trip opens is closed inside it, so matching partial
 * exits to entries FIFO (or in any order) gives the same entry, exit and pnl per trip; FIFO decides
 * only which shares of a flipping fill close the old trip. The count of closed trips equals the
 * Portfolio's `roundTrips` (a sign flip closes one). pyfolio instead makes one round trip per
 * closing fill (each partial exit its own trip), which would make every rebalance's trim a trip.
 */
export interface RoundTrips {
  readonly length: number;
  /** Closed trips come first, in the order they closed; open ones follow, by column. */
  readonly closed: number;
  readonly column: Int32Array;
  /** +1 long, −1 short. */
  readonly side: Int8Array;
  readonly openBar: Int32Array;
  /** The bar of the closing fill; `end.bar` for an open trip. */
  readonly closeBar: Int32Array;
  /** 1 for a trip still open after the last fill (marked at the last close). */
  readonly open: Uint8Array;
  readonly quantity: Float64Array;
  readonly entry: Float64Array;
  readonly exit: Float64Array;
  readonly fees: Float64Array;
  readonly pnl: Float64Array;
  readonly ret: Float64Array;
}

/** Where a run ended: its last bar and the close to mark open positions at, one per column of the panel. */
export interface RunEnd {
  readonly bar: number;
  /** Indexed by column: as long as the universe (every fill's column is below its length). */
  readonly close: ArrayLike<number>;
}

/**
 * What the statistics need of the closed trips, added up (round-trip-stats.ts turns them into
 * win_rate, profit_factor …): winners have pnl > 0, losers pnl < 0, even trips neither.
 */
export interface TripTotals {
  /** Closed trips, and among them winners and losers. */
  closed: number;
  wins: number;
  losses: number;
  /** Σ pnl of the winners (≥ 0) and Σ |pnl| of the losers (≥ 0), in currency. */
  grossProfit: number;
  grossLoss: number;
  /** Σ return over all closed trips, over the winners, over the losers. */
  returns: number;
  winReturns: number;
  lossReturns: number;
  /** Σ (close bar − open bar) over the closed trips. */
  holdingDays: number;
  /** Trips still open at the end (not in any of the sums). */
  open: number;
}

/** The round trips of a run's fills as columns (FlatToFlat, see above); O(fills + columns). */
export function roundTrips(trades: TradeColumns, end: RunEnd): RoundTrips {
  const state = scratchState(end);
  const table = new TripTable(countTrips(trades, state));
  state.fill(0);
  walk(trades, end, state, table);
  return table.out;
}

/** The totals of a run's closed round trips, without keeping the trips; O(fills + columns). */
export function roundTripTotals(trades: TradeColumns, end: RunEnd): TripTotals {
  const sink = new TotalsSink();
  walk(trades, end, scratchState(end), sink);
  return sink.totals;
}

/** The totals of a table of trips (its closed ones): what roundTripTotals gives for the same fills. */
export function tripTotals(trips: RoundTrips): TripTotals {
  const sink = new TotalsSink();
  for (let k = 0; k < trips.length; k++) {
    sink.trip(trips.column[k]!, trips.side[k]!, trips.openBar[k]!, trips.closeBar[k]!, trips.open[k]!, trips.quantity[k]!, trips.entry[k]!, trips.exit[k]!, trips.fees[k]!, trips.pnl[k]!, trips.ret[k]!);
  }
  return sink.totals;
}

/** Holding days of trip k: close bar − open bar (trading days). */
export function holdingDays(trips: RoundTrips, k: number): number {
  return trips.closeBar[k]! - trips.openBar[k]!;
}

// ---------------------------------------------------------------- the walk

/** Receives each trip as it ends (closed, or open at the end). */
interface TripSink {
  trip(column: number, side: number, openBar: number, closeBar: number, open: number, quantity: number, entry: number, exit: number, fees: number, pnl: number, ret: number): void;
}

// The open trip of each column, in one Float64Array with a stride of 8 (one cache line a column).
const STRIDE = 8;
const POSITION = 0, SIDE = 1, OPEN_BAR = 2, IN_QTY = 3, IN_NOTIONAL = 4, OUT_QTY = 5, OUT_NOTIONAL = 6, FEES = 7;

// Reused from call to call (a sweep calls once per variant; each worker thread has its own module).
let scratch = new Float64Array(0);

/** A zeroed state for the columns of `end.close`. */
function scratchState(end: RunEnd): Float64Array {
  const size = end.close.length * STRIDE;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent when forced true or for <= (forced false is killed): a new zeroed array only costs an allocation, the state is zeroed below either way
  if (scratch.length < size) scratch = new Float64Array(size);
  const state = scratch.subarray(0, size);
  state.fill(0);
  return state;
}

function outside(column: number, state: Float64Array): RangeError {
  return new RangeError(`a fill in column ${column}, but end.close has ${state.length / STRIDE} columns`);
}

/** Steps 1–4 of the outline over a zeroed `state` (columns × STRIDE), each trip to `sink`. */
function walk(trades: TradeColumns, end: RunEnd, state: Float64Array, sink: TripSink): void {
  const { column, quantity, price, fee, bar } = trades;
  // Stryker disable next-line EqualityOperator: equivalent for <=: one step past the end reads undefined everywhere, and the writes to state[NaN] go nowhere
  for (let k = 0; k < trades.length; k++) {
    const q = quantity[k]!;
    // Stryker disable next-line ConditionalExpression: equivalent when forced false (forced true is killed): the engine never logs a fill of 0 shares (rebalance and exit skip them), and one without a fee would change nothing
    if (q === 0) continue;
    const i = column[k]!, s = i * STRIDE;
    if (s >= state.length) throw outside(i, state);
    // Stryker disable next-line ArithmeticOperator: equivalent: POSITION is 0, so s − POSITION is s + POSITION
    const before = state[s + POSITION]!;
    const after = before + q; // the Portfolio's own arithmetic, so flat here is flat there
    // Stryker disable next-line ArithmeticOperator: equivalent: POSITION is 0, so s − POSITION is s + POSITION
    state[s + POSITION] = after;
    const shares = Math.abs(q), p = price[k]!;
    if (before === 0) {
      start(state, s, q, bar[k]!, shares, p, fee[k]!);
    } else if (Math.sign(q) === Math.sign(before)) {
      // in the trip's direction
      state[s + IN_QTY] += shares;
      state[s + IN_NOTIONAL] += shares * p;
      state[s + FEES] += fee[k]!;
    } else if (Math.sign(after) !== -Math.sign(before)) {
      // against it, to flat or short of it
      state[s + OUT_QTY] += shares;
      state[s + OUT_NOTIONAL] += shares * p;
      state[s + FEES] += fee[k]!;
      if (after === 0) emit(sink, state, i, bar[k]!, 0);
    } else {
      // through flat: the first |before| shares close this trip, the other |after| open the next
      const closing = Math.abs(before), opening = Math.abs(after);
      state[s + OUT_QTY] += closing;
      state[s + OUT_NOTIONAL] += closing * p;
      state[s + FEES] += (fee[k]! * closing) / shares;
      emit(sink, state, i, bar[k]!, 0);
      start(state, s, after, bar[k]!, opening, p, (fee[k]! * opening) / shares);
    }
  }
  // Positions held at the end: the rest of each valued at end.close, its trip open (in column order).
  for (let i = 0, s = 0; s < state.length; i++, s += STRIDE) {
    // Stryker disable next-line ArithmeticOperator: equivalent: POSITION is 0, so s − POSITION is s + POSITION
    const shares = Math.abs(state[s + POSITION]!);
    if (shares === 0) continue;
    state[s + OUT_QTY] += shares;
    state[s + OUT_NOTIONAL] += shares * end.close[i]!;
    emit(sink, state, i, end.bar, 1);
  }
}

/**
 * How many trips the fills make: one per fill that opens a position from flat or flips its sign
 * (exactly: the table's columns hold the trips and nothing more). A column past end.close's is
 * refused by the walk that follows; here it reads undefined and counts nothing.
 */
function countTrips(trades: TradeColumns, state: Float64Array): number {
  let count = 0;
  // Stryker disable next-line EqualityOperator: equivalent for <=: one step past the end reads undefined everywhere and counts nothing
  for (let k = 0; k < trades.length; k++) {
    const q = trades.quantity[k]!;
    // Stryker disable next-line ConditionalExpression: equivalent when forced false (forced true is killed): the engine never logs a fill of 0 shares (rebalance and exit skip them)
    if (q === 0) continue;
    const s = trades.column[k]! * STRIDE;
    // Stryker disable next-line ArithmeticOperator: equivalent: POSITION is 0 (s − POSITION is s + POSITION), and before − q keeps every position negated, which opens and flips the same
    const before = state[s + POSITION]!, after = before + q;
    // Stryker disable next-line ArithmeticOperator: equivalent: POSITION is 0, so s − POSITION is s + POSITION
    state[s + POSITION] = after;
    if (before === 0 || Math.sign(after) === -Math.sign(before)) count++;
  }
  return count;
}

/** Opens a trip in the direction of `direction` with `shares` at `price`. */
function start(state: Float64Array, s: number, direction: number, bar: number, shares: number, price: number, fee: number): void {
  state[s + SIDE] = Math.sign(direction); // never 0: a trip opens with shares
  state[s + OPEN_BAR] = bar;
  state[s + IN_QTY] = shares;
  state[s + IN_NOTIONAL] = shares * price;
  state[s + OUT_QTY] = 0;
  state[s + OUT_NOTIONAL] = 0;
  state[s + FEES] = fee;
}

/** Column i's trip, its figures computed (see the outline), to the sink. */
function emit(sink: TripSink, state: Float64Array, i: number, closeBar: number, open: number): void {
  const s = i * STRIDE;
  const side = state[s + SIDE]!, inQty = state[s + IN_QTY]!, inNotional = state[s + IN_NOTIONAL]!, fees = state[s + FEES]!;
  const pnl = side * (state[s + OUT_NOTIONAL]! - inNotional) - fees;
  sink.trip(i, side, state[s + OPEN_BAR]!, closeBar, open, inQty, inNotional / inQty, state[s + OUT_NOTIONAL]! / state[s + OUT_QTY]!, fees, pnl, pnl / inNotional);
}

// ---------------------------------------------------------------- sinks

type Writable = { -readonly [K in keyof RoundTrips]: RoundTrips[K] };

/** Writes trips into columns, views of one buffer (one allocation, not twelve). */
class TripTable implements TripSink {
  readonly out: Writable;

  constructor(count: number) {
    const buffer = new ArrayBuffer(count * 62);
    const f64 = (k: number) => new Float64Array(buffer, k * count * 8, count);
    const i32 = (k: number) => new Int32Array(buffer, count * 48 + k * count * 4, count);
    this.out = {
      length: 0, closed: 0,
      quantity: f64(0), entry: f64(1), exit: f64(2), fees: f64(3), pnl: f64(4), ret: f64(5),
      column: i32(0), openBar: i32(1), closeBar: i32(2),
      side: new Int8Array(buffer, count * 60, count), open: new Uint8Array(buffer, count * 61, count),
    };
  }

  trip(column: number, side: number, openBar: number, closeBar: number, open: number, quantity: number, entry: number, exit: number, fees: number, pnl: number, ret: number): void {
    const t = this.out;
    const k = t.length++;
    if (!open) t.closed = t.length;
    t.column[k] = column;
    t.side[k] = side;
    t.openBar[k] = openBar;
    t.closeBar[k] = closeBar;
    t.open[k] = open;
    t.quantity[k] = quantity;
    t.entry[k] = entry;
    t.exit[k] = exit;
    t.fees[k] = fees;
    t.pnl[k] = pnl;
    t.ret[k] = ret;
  }
}

/** Adds up the closed trips; counts the open ones. */
class TotalsSink implements TripSink {
  readonly totals: TripTotals = { closed: 0, wins: 0, losses: 0, grossProfit: 0, grossLoss: 0, returns: 0, winReturns: 0, lossReturns: 0, holdingDays: 0, open: 0 };

  trip(_column: number, _side: number, openBar: number, closeBar: number, open: number, _quantity: number, _entry: number, _exit: number, _fees: number, pnl: number, ret: number): void {
    const t = this.totals;
    if (open) {
      t.open++;
      return;
    }
    t.closed++;
    t.returns += ret;
    t.holdingDays += closeBar - openBar;
    if (pnl > 0) {
      t.wins++;
      t.grossProfit += pnl;
      t.winReturns += ret;
    } else if (pnl < 0) {
      t.losses++;
      t.grossLoss -= pnl;
      t.lossReturns += ret;
    }
  }
}

/** Where a run ends: its last bar and each symbol's last known close there (to mark open round trips). */
export function runEnd(panel: Panel, last: number): RunEnd {
  const n = panel.symbols.length;
  return { bar: last, close: Float64Array.from({ length: n }, (_, i) => lastClose(panel.close, n, i, last)) };
}

/** Column i's close at bar `last`, or its latest one before (NaN: none yet). */
function lastClose(close: Float64Array, n: number, i: number, last: number): number {
  for (let t = last; t >= 0; t--) {
    const c = close[t * n + i]!;
    if (c === c) return c;
  }
  return NaN;
}
