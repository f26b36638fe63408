/**
 * A decision's target weights: dense (one slot per column, 0 where the decision gives none) and
 * the columns with a non-zero weight listed ascending, `columns[0 … count)`. With the list, capping
 * the leverage, refreshing marks and choosing the columns a rebalance visits cost O(targets + held)
 * instead of O(universe) per fill; a strategy holding 10 of 500 names no longer pays for the 490
 * others at every decision (measured on the bench's daily momentum: see README, Performance).
 *
 * Invariant: `weights[i] !== 0` only for listed columns, so that `clear()` (O(count)) zeroes them all.
 */
export class Targets {
  readonly weights: Float64Array;
  readonly columns: Int32Array;
  count = 0;

  constructor(n: number) {
    this.weights = new Float64Array(n);
    this.columns = new Int32Array(n);
  }

  /** Zeroes the listed weights: every weight is 0 again. */
  clear(): void {
    const { weights, columns } = this;
    for (let k = 0; k < this.count; k++) weights[columns[k]!] = 0;
    this.count = 0;
  }

  /** Sets column i's weight; columns must come in ascending order, each once, after `clear()`. */
  push(i: number, w: number): void {
    this.weights[i] = w;
    this.columns[this.count++] = i;
  }

  /**
   * Scales the weights in place so that Σ|w| ≤ maxLeverage; true when it had to. The sum runs over the
   * listed columns in column order: the zeros the dense sum would add change nothing, bit for bit
   * (the same result as broker/margin.ts's `capLeverage` on the dense array).
   */
  capLeverage(maxLeverage: number): boolean {
    const { weights, columns, count } = this;
    let gross = 0;
    for (let k = 0; k < count; k++) gross += Math.abs(weights[columns[k]!]!);
    if (!(gross > maxLeverage)) return false;
    const scale = maxLeverage / gross;
    for (let k = 0; k < count; k++) weights[columns[k]!]! *= scale;
    return true;
  }
}

/** No listed columns (e.g. a margin cut, whose non-zero targets are all held columns). */
// Stryker disable next-line ObjectLiteral: equivalent, without `count` the merge reads `l < undefined`, false as `l < 0` is: no listed column either way
export const NO_COLUMNS: { readonly columns: Int32Array; readonly count: number } = { columns: new Int32Array(0), count: 0 };
