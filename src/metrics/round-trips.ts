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

/** Where a run ended: its last bar and, per column, the close to mark open positions at. */
export interface RunEnd {
  readonly bar: number;
  readonly close: ArrayLike<number>;
}

/** The round trips of a run's fills (FlatToFlat, see above); O(fills + columns traded). */
export function roundTrips(trades: TradeColumns, end: RunEnd): RoundTrips {
  let columns = 0;
  for (let k = 0; k < trades.length; k++) if (trades.column[k]! >= columns) columns = trades.column[k]! + 1;
  const position = new Float64Array(columns);
  const side = new Int8Array(columns);
  const openBar = new Int32Array(columns);
  const inQty = new Float64Array(columns), inNotional = new Float64Array(columns);
  const outQty = new Float64Array(columns), outNotional = new Float64Array(columns);
  const fees = new Float64Array(columns);
  const out = allocate(trades.length); // every trip is opened by a different fill

  const start = (i: number, sign: number, bar: number, shares: number, price: number, fee: number) => {
    side[i] = sign;
    openBar[i] = bar;
    inQty[i] = shares;
    inNotional[i] = shares * price;
    outQty[i] = 0;
    outNotional[i] = 0;
    fees[i] = fee;
  };

  for (let k = 0; k < trades.length; k++) {
    const i = trades.column[k]!, q = trades.quantity[k]!, price = trades.price[k]!, fee = trades.fee[k]!, bar = trades.bar[k]!;
    if (q === 0) continue;
    const before = position[i]!;
    const after = before + q; // the Portfolio's own arithmetic, so flat here is flat there
    position[i] = after;
    if (before === 0) {
      start(i, Math.sign(q), bar, Math.abs(q), price, fee);
    } else if (Math.sign(q) === side[i]) {
      inQty[i] += Math.abs(q);
      inNotional[i] += Math.abs(q) * price;
      fees[i] += fee;
    } else if (after === 0 || Math.sign(after) === side[i]) {
      outQty[i] += Math.abs(q);
      outNotional[i] += Math.abs(q) * price;
      fees[i] += fee;
      if (after === 0) emit(out, i, bar, 0);
    } else {
      const closing = Math.abs(before), opening = Math.abs(after), total = Math.abs(q);
      outQty[i] += closing;
      outNotional[i] += closing * price;
      fees[i] += (fee * closing) / total;
      emit(out, i, bar, 0);
      start(i, Math.sign(after), bar, opening, price, (fee * opening) / total);
    }
  }
  const closed = out.length;
  for (let i = 0; i < columns; i++) {
    const held = position[i]!;
    if (held === 0) continue;
    const mark = end.close[i]!;
    outQty[i] += Math.abs(held);
    outNotional[i] += Math.abs(held) * mark;
    emit(out, i, end.bar, 1);
  }
  return trim(out, closed);

  function emit(t: Growing, i: number, bar: number, open: number): void {
    const k = t.length++;
    t.column[k] = i;
    t.side[k] = side[i]!;
    t.openBar[k] = openBar[i]!;
    t.closeBar[k] = bar;
    t.open[k] = open;
    t.quantity[k] = inQty[i]!;
    t.entry[k] = inNotional[i]! / inQty[i]!;
    t.exit[k] = outNotional[i]! / outQty[i]!;
    t.fees[k] = fees[i]!;
    t.pnl[k] = side[i]! * (outNotional[i]! - inNotional[i]!) - fees[i]!;
    t.ret[k] = t.pnl[k]! / inNotional[i]!;
  }
}

type Growing = { -readonly [K in keyof RoundTrips]: RoundTrips[K] };

function allocate(capacity: number): Growing {
  return {
    length: 0,
    closed: 0,
    column: new Int32Array(capacity),
    side: new Int8Array(capacity),
    openBar: new Int32Array(capacity),
    closeBar: new Int32Array(capacity),
    open: new Uint8Array(capacity),
    quantity: new Float64Array(capacity),
    entry: new Float64Array(capacity),
    exit: new Float64Array(capacity),
    fees: new Float64Array(capacity),
    pnl: new Float64Array(capacity),
    ret: new Float64Array(capacity),
  };
}

function trim(t: Growing, closed: number): RoundTrips {
  const n = t.length;
  return {
    length: n,
    closed,
    column: t.column.slice(0, n),
    side: t.side.slice(0, n),
    openBar: t.openBar.slice(0, n),
    closeBar: t.closeBar.slice(0, n),
    open: t.open.slice(0, n),
    quantity: t.quantity.slice(0, n),
    entry: t.entry.slice(0, n),
    exit: t.exit.slice(0, n),
    fees: t.fees.slice(0, n),
    pnl: t.pnl.slice(0, n),
    ret: t.ret.slice(0, n),
  };
}

/** Holding days of trip k: close bar − open bar (trading days). */
export function holdingDays(trips: RoundTrips, k: number): number {
  return trips.closeBar[k]! - trips.openBar[k]!;
}
