/**
 * The data checks on a batch of price rows, in JavaScript, over the columns as DuckDB hands them
 * (a Float64Array of values and, unless all are valid, its validity bits: bit k of byte k >> 3).
 *
 * The verdict is BAD_ROW's (local-source.ts) for every row: a close that is not a positive finite
 * number, an open given but not one, a high or low given but not finite, a high below the low, a
 * volume given but negative or not finite. Written as NOT (every value fine) with comparisons only:
 * every comparison with NaN is false here, so NaN fails each test as it does in SQL (where NaN
 * orders above +∞ and so fails `x < ∞`); with both finite, `high >= low` means the same in both.
 * (Tested against BAD_ROW on every combination of NULL, NaN, ±∞, 0 and signs:
 * test/source/row-check.test.ts.) The rows a window reads have a close (the query keeps those only).
 *
 * Checking here, on values the reader holds anyway, spares DuckDB a predicate and a column per row;
 * a window with a bad row is still named by BAD_ROW's SQL (the first by date and symbol, and how many).
 */
export interface CheckedColumn {
  readonly values: Float64Array;
  readonly valid: Uint8Array | null;
}

/** The index of the first bad row of `count` (columns open, high, low, close, volume), or -1. */
export function firstBadRow(count: number, open: CheckedColumn, high: CheckedColumn, low: CheckedColumn, close: CheckedColumn, volume: CheckedColumn): number {
  const o = open.values, h = high.values, l = low.values, c = close.values, v = volume.values;
  const ov = open.valid, hv = high.valid, lv = low.valid, cv = close.valid, vv = volume.valid;
  const has = (bits: Uint8Array | null, k: number) => bits === null || ((bits[k >> 3]! >> (k & 7)) & 1) === 1;
  for (let k = 0; k < count; k++) {
    const ck = c[k]!;
    // A close is required: a NULL one is bad (the window's query never yields one).
    if (!(has(cv, k) && ck > 0 && ck < Infinity)) return k;
    if (has(ov, k)) { const x = o[k]!; if (!(x > 0 && x < Infinity)) return k; }
    const hasHigh = has(hv, k), hasLow = has(lv, k);
    const hk = h[k]!, lk = l[k]!;
    if (hasHigh && !(hk > -Infinity && hk < Infinity)) return k;
    if (hasLow && !(lk > -Infinity && lk < Infinity)) return k;
    if (hasHigh && hasLow && !(hk >= lk)) return k;
    if (has(vv, k)) { const x = v[k]!; if (!(x >= 0 && x < Infinity)) return k; }
  }
  return -1;
}
