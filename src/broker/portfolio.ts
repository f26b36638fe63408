/**
 * Cash and positions of one variant's run. Positions are shares per column (negative when
 * short); there is no margin model and no borrow cost: short proceeds are cash.
 */
export class Portfolio {
  cash: number;
  readonly quantity: Float64Array;
  /** Positions opened and later closed completely (a sign flip closes one and opens another). */
  roundTrips = 0;

  constructor(cash: number, n: number) {
    this.cash = cash;
    this.quantity = new Float64Array(n);
  }

  /** Applies a fill: `delta` shares (positive buys) at `price`, paying `fee`. */
  fill(i: number, delta: number, price: number, fee: number): void {
    const before = this.quantity[i]!;
    const after = before + delta;
    this.quantity[i] = after;
    this.cash -= delta * price + fee;
    if (before !== 0 && (after === 0 || Math.sign(after) !== Math.sign(before))) this.roundTrips++;
  }

  /** Σ shares × price and Σ |shares × price| after the last `mark` (read, not allocated, per bar). */
  net = 0;
  gross = 0;

  /** Values the positions at `prices` into `net` and `gross` (held columns always have a price). */
  mark(prices: Float64Array): void {
    let net = 0, gross = 0;
    const q = this.quantity;
    for (let i = 0; i < q.length; i++) {
      const qi = q[i]!;
      if (qi === 0) continue;
      const v = qi * prices[i]!;
      net += v;
      gross += Math.abs(v);
    }
    this.net = net;
    this.gross = gross;
  }
}
