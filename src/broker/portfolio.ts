/**
 * Cash and positions of one variant's run. Positions are shares per column (negative when
 * short); short proceeds are cash (the margin rules are the simulation's: broker/margin.ts).
 *
 * The columns held are also kept as a sorted list, so that valuing the book and rebalancing cost
 * O(held) rather than O(universe) per bar, while sums still run in column order.
 */
export class Portfolio {
  cash: number;
  readonly quantity: Float64Array;
  /** Positions opened and later closed completely (a sign flip closes one and opens another). */
  roundTrips = 0;
  /** Σ shares × price, Σ |shares × price| and Σ over longs of shares × price after the last `mark` (read, not allocated, per bar). */
  net = 0;
  gross = 0;
  long = 0;
  /** Held columns, ascending: `held[0 … heldCount)`. */
  readonly held: Int32Array;
  heldCount = 0;

  constructor(cash: number, n: number) {
    this.cash = cash;
    this.quantity = new Float64Array(n);
    this.held = new Int32Array(n);
  }

  /** Applies a fill: `delta` shares (positive buys) at `price`, paying `fee`. */
  fill(i: number, delta: number, price: number, fee: number): void {
    const before = this.quantity[i]!;
    const after = before + delta;
    this.quantity[i] = after;
    this.cash -= delta * price + fee;
    // Stryker disable next-line ConditionalExpression: equivalent for `after === 0`: sign(0) = 0 differs from the sign of any held position anyway
    if (before !== 0 && (after === 0 || Math.sign(after) !== Math.sign(before))) this.roundTrips++;
    if (before === 0 && after !== 0) this.hold(i);
    else if (before !== 0 && after === 0) this.release(i);
  }

  /** Values the positions at `prices` into `net` and `gross` (held columns always have a price). */
  mark(prices: Float64Array): void {
    let net = 0, gross = 0, long = 0;
    const { quantity, held } = this;
    for (let k = 0; k < this.heldCount; k++) {
      const i = held[k]!;
      const v = quantity[i]! * prices[i]!;
      net += v;
      gross += Math.abs(v);
      if (v > 0) long += v;
    }
    this.net = net;
    this.gross = gross;
    this.long = long;
  }

  /** Equity after the last `mark`: cash + net market value. */
  get equity(): number {
    return this.cash + this.net;
  }

  private hold(i: number): void {
    const held = this.held;
    let k = this.heldCount++;
    // Stryker disable next-line EqualityOperator: equivalent: held[−1] is undefined (not > i), and i is not held yet, so never equal
    while (k > 0 && held[k - 1]! > i) {
      held[k] = held[k - 1]!;
      k--;
    }
    held[k] = i;
  }

  private release(i: number): void {
    const held = this.held;
    let k = 0;
    while (held[k] !== i) k++;
    this.heldCount--;
    // Stryker disable next-line EqualityOperator: equivalent for <=: it copies one slot past the live list, which nothing reads
    for (; k < this.heldCount; k++) held[k] = held[k + 1]!;
  }
}
