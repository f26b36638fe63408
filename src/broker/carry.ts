/**
 * Orders a participation limit left unfilled, carried to the next fill day (signed shares per
 * column), and what the strategy asked and never got:
 * - `asked` sums |shares| × reference price over fresh orders (a decision's, not a carried remainder);
 * - `unfilled` sums |shares| × the reference price of their last attempt over remainders dropped —
 *   replaced by the next decision's targets, cut by a margin call or a ruin, sold with their symbol
 *   (delisted, left the universe), or still open when the run ends.
 * Carried columns are kept ascending, so they trade in column order like any rebalance.
 */
export class Carry {
  readonly shares: Float64Array;
  readonly reference: Float64Array;
  readonly columns: Int32Array;
  count = 0;
  asked = 0;
  unfilled = 0;
  /** Fresh orders that could not trade at all under the limit: no volume that day or before. */
  untradable = 0;

  constructor(n: number) {
    this.shares = new Float64Array(n);
    this.reference = new Float64Array(n);
    this.columns = new Int32Array(n);
  }

  /** Carries `shares` of column i (attempted at `reference`) to the next fill day. */
  set(i: number, shares: number, reference: number): void {
    if (this.shares[i] === 0) {
      let k = this.count++;
      while (k > 0 && this.columns[k - 1]! > i) {
        this.columns[k] = this.columns[k - 1]!;
        k--;
      }
      this.columns[k] = i;
    }
    this.shares[i] = shares;
    this.reference[i] = reference;
  }

  /** Drops column i's remainder (counted unfilled), if it has one. */
  drop(i: number): void {
    const s = this.shares[i]!;
    if (s === 0) return;
    this.unfilled += Math.abs(s) * this.reference[i]!;
    this.shares[i] = 0;
    let k = 0;
    while (this.columns[k] !== i) k++;
    this.count--;
    for (; k < this.count; k++) this.columns[k] = this.columns[k + 1]!;
  }

  /** Drops every remainder (counted unfilled). */
  dropAll(): void {
    for (let k = 0; k < this.count; k++) {
      const i = this.columns[k]!;
      this.unfilled += Math.abs(this.shares[i]!) * this.reference[i]!;
      this.shares[i] = 0;
    }
    this.count = 0;
  }

  /** Moves the remainders into `delta` and `active` (ascending) for another attempt, and forgets them (not counted). Returns how many. */
  take(delta: Float64Array, active: Int32Array): number {
    const count = this.count;
    for (let k = 0; k < count; k++) {
      const i = this.columns[k]!;
      active[k] = i;
      delta[i] = this.shares[i]!;
      this.shares[i] = 0;
    }
    this.count = 0;
    return count;
  }
}
