import type { EquityCurve } from '../recorder/equity-curve.ts';
import { TRADE_REASONS, type TradeColumns, type TradeReason } from '../recorder/trade-log.ts';

/*
 * What the one-symbol path (single-symbol.ts) records while it runs, and the curve and trade columns it
 * hands over: the same values as recorder/equity-curve.ts and recorder/trade-log.ts hold for the run,
 * in fewer allocations.
 */

/**
 * The recorded columns of the curve — equity, cash, net and positions — in one allocation. With one
 * column, Portfolio.mark's other values are functions of net = 0 + v (v = q × mark): gross = 0 + |v|
 * = |net|, long = v > 0 ? v : 0 = max(net, 0), short = net − long; they are derived once at the end
 * (`completed`).
 */
export interface Recorded {
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly net: Float64Array;
  readonly positions: Float64Array;
}

export function curveIn(days: number): Recorded {
  const buffer = new ArrayBuffer(days * 8 * 4);
  const column = (k: number) => new Float64Array(buffer, k * days * 8, days);
  return { equity: column(0), cash: column(1), net: column(2), positions: column(3) };
}

/**
 * The whole curve from the recorded columns. A book never short at a close has gross = long = net on
 * every day and short = 0: those columns are the net column itself and one zero column shared by such
 * runs of the same length (a run's curve is read, never written, once the run is over).
 */
export function completed(r: Recorded, short: boolean): EquityCurve {
  const days = r.net.length;
  if (!short) return { equity: r.equity, cash: r.cash, gross: r.net, net: r.net, long: r.net, short: zeros(days), positions: r.positions };
  const buffer = new ArrayBuffer(days * 8 * 3);
  const gross = new Float64Array(buffer, 0, days), long = new Float64Array(buffer, days * 8, days), shortColumn = new Float64Array(buffer, 2 * days * 8, days);
  for (let d = 0; d < days; d++) {
    const net = r.net[d]!;
    gross[d] = 0 + Math.abs(net);
    long[d] = net > 0 ? net : 0;
    shortColumn[d] = net - long[d]!;
  }
  return { equity: r.equity, cash: r.cash, gross, net: r.net, long, short: shortColumn, positions: r.positions };
}

let zeroColumn = new Float64Array(0);

/** A column of `days` zeros, shared (never written). */
function zeros(days: number): Float64Array {
  if (zeroColumn.length !== days) zeroColumn = new Float64Array(days);
  return zeroColumn;
}

/**
 * The run's fills, as recorder/trade-log.ts's TradeLog records them, in plain growable arrays (no
 * typed array per column while running), handed over as TradeColumns over one buffer: a run's
 * eight or so allocations of TradeLog become one.
 */
export class Fills {
  length = 0;
  private readonly bars: number[] = [];
  private readonly reasons: number[] = [];
  private readonly quantities: number[] = [];
  private readonly prices: number[] = [];
  private readonly fees: number[] = [];
  private readonly asks: number[] = [];

  /** A fill of column 0 (the only one). */
  push(bar: number, _column: 0, quantity: number, price: number, fee: number, reason: TradeReason, asked = quantity): void {
    this.length++;
    this.bars.push(bar);
    this.reasons.push(TRADE_REASONS.indexOf(reason));
    this.quantities.push(quantity);
    this.prices.push(price);
    this.fees.push(fee);
    this.asks.push(asked);
  }

  finish(): TradeColumns {
    const k = this.length;
    // Float64 columns first, then Int32, then Uint8: each view aligned to its element size.
    const buffer = new ArrayBuffer(k * (4 * 8 + 2 * 4 + 1));
    const f64 = (j: number, from: readonly number[]) => { const a = new Float64Array(buffer, j * k * 8, k); for (let i = 0; i < k; i++) a[i] = from[i]!; return a; };
    const quantity = f64(0, this.quantities), price = f64(1, this.prices), fee = f64(2, this.fees), asked = f64(3, this.asks);
    const bar = new Int32Array(buffer, 4 * k * 8, k);
    for (let i = 0; i < k; i++) bar[i] = this.bars[i]!;
    const column = new Int32Array(buffer, 4 * k * 8 + k * 4, k); // all 0
    const reason = new Uint8Array(buffer, 4 * k * 8 + 2 * k * 4, k);
    for (let i = 0; i < k; i++) reason[i] = this.reasons[i]!;
    return { length: k, bar, column, quantity, price, fee, reason, asked };
  }
}
