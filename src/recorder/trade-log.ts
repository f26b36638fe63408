/**
 * Why a trade happened: the strategy's targets (`rebalance`); a symbol whose data end (`delisted`);
 * a symbol that left the universe (`universe`); a book cut back to the leverage limit after falling
 * below the maintenance margin (`margin`); everything sold or covered after equity reached 0 (`ruin`).
 */
export type TradeReason = 'rebalance' | 'delisted' | 'universe' | 'margin' | 'ruin';
export const TRADE_REASONS: readonly TradeReason[] = ['rebalance', 'delisted', 'universe', 'margin', 'ruin'];
const REASONS = TRADE_REASONS;

/** The fills of a finished run as plain columns (structured-clone friendly, for workers). */
export interface TradeColumns {
  readonly length: number;
  readonly bar: Int32Array;
  readonly column: Int32Array;
  readonly quantity: Float64Array;
  readonly price: Float64Array;
  readonly fee: Float64Array;
  readonly reason: Uint8Array;
  /** The order's shares at this fill (signed): the quantity, or more when a participation limit or the cash cut it. */
  readonly asked: Float64Array;
}

export function tradeReason(code: number): TradeReason {
  return REASONS[code]!;
}

/**
 * Σ |quantity × price| over the fills, leaving out those of the first day with fills — building the
 * first book from cash is not turnover (`initial`: count them too).
 */
export function tradedNotional(trades: TradeColumns, initial = false): number {
  let sum = 0;
  const firstDay = trades.length ? trades.bar[0]! : -1;
  for (let k = 0; k < trades.length; k++) {
    if (!initial && trades.bar[k] === firstDay) continue;
    sum += Math.abs(trades.quantity[k]! * trades.price[k]!);
  }
  return sum;
}

/** Fills of one run in growable columns (no object per fill while simulating). */
export class TradeLog {
  length = 0;
  private bars = new Int32Array(64);
  private columns = new Int32Array(64);
  private reasons = new Uint8Array(64);
  private quantities = new Float64Array(64);
  private prices = new Float64Array(64);
  private fees = new Float64Array(64);
  private asks = new Float64Array(64);

  push(bar: number, column: number, quantity: number, price: number, fee: number, reason: TradeReason, asked = quantity): void {
    if (this.length === this.bars.length) this.grow();
    const k = this.length++;
    this.bars[k] = bar;
    this.columns[k] = column;
    this.reasons[k] = REASONS.indexOf(reason);
    this.quantities[k] = quantity;
    this.prices[k] = price;
    this.fees[k] = fee;
    this.asks[k] = asked;
  }

  /** The fills as trimmed columns. */
  finish(): TradeColumns {
    const k = this.length;
    return {
      length: k,
      bar: this.bars.slice(0, k),
      column: this.columns.slice(0, k),
      quantity: this.quantities.slice(0, k),
      price: this.prices.slice(0, k),
      fee: this.fees.slice(0, k),
      reason: this.reasons.slice(0, k),
      asked: this.asks.slice(0, k),
    };
  }

  private grow(): void {
    const size = this.bars.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.bars = grow(this.bars, (n) => new Int32Array(n));
    this.columns = grow(this.columns, (n) => new Int32Array(n));
    this.reasons = grow(this.reasons, (n) => new Uint8Array(n));
    this.quantities = grow(this.quantities, (n) => new Float64Array(n));
    this.prices = grow(this.prices, (n) => new Float64Array(n));
    this.fees = grow(this.fees, (n) => new Float64Array(n));
    this.asks = grow(this.asks, (n) => new Float64Array(n));
  }
}
