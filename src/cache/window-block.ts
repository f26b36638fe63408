/**
 * A cached window as it lies in its file (entry-file.ts): the panel's own arrays.
 * 1. `calendar`: each day on which some symbol has a row; `open` … `volume`: bars × symbols,
 *    time-major (cell t × n + j), NaN where symbol j has no row on day t and in all five where
 *    its row has no close — exactly the cells a panel of these symbols over this calendar holds;
 * 2. the rows without a close, kept whole aside (`looseCells`, `looseValues`), so that each
 *    symbol's rows can be given back exactly;
 * 3. `series(j, days)`: symbol j's rows as a `CachedSeries` whose days are read from the file and
 *    whose values are gathered from the matrices — every column's at once, in tiles — only when
 *    first asked for: a panel built straight from the block (source/supabase/series.ts) never asks;
 * 4. `WindowBlock.of(series)` tells which block and column a series comes from, if any.
 */

/** One symbol's rows, ascending dates, a typed array per field (NaN: missing). */
export interface CachedSeries {
  readonly days: Int32Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface BlockFields {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
/** Columns and bars of a tile of the gather. */
const TILE = 64;
const origin = new WeakMap<CachedSeries, { block: WindowBlock; column: number }>();

export class WindowBlock {
  readonly symbols: readonly string[];
  readonly calendar: Int32Array;
  readonly fields: BlockFields;
  private readonly looseCells: Int32Array;
  private readonly looseValues: readonly Float64Array[];
  /** Each column's days (as `series` was asked for them). */
  private readonly days: (Int32Array | undefined)[];
  private gathered: BlockFields[] | undefined;

  constructor(symbols: readonly string[], calendar: Int32Array, fields: BlockFields, looseCells: Int32Array, looseValues: readonly Float64Array[]) {
    this.symbols = symbols;
    this.calendar = calendar;
    this.fields = fields;
    this.looseCells = looseCells;
    this.looseValues = looseValues;
    this.days = new Array<Int32Array | undefined>(symbols.length);
  }

  /** The block and column `series` was made from, or undefined. */
  static of(series: CachedSeries): { block: WindowBlock; column: number } | undefined {
    return origin.get(series);
  }

  /** Column `column`'s rows (`days`: its days as in the file), values gathered on first use. */
  series(column: number, days: Int32Array): CachedSeries {
    this.days[column] = days;
    const get = () => (this.gathered ??= this.gather())[column]!;
    const s: CachedSeries = {
      days,
      get open() { return get().open; },
      get high() { return get().high; },
      get low() { return get().low; },
      get close() { return get().close; },
      get volume() { return get().volume; },
    };
    origin.set(s, { block: this, column });
    return s;
  }

  /**
   * Every column's values at once (a column read alone would touch a page per bar), in tiles
   * of 64 columns × 64 bars as the panel fill writes them (source/supabase/series.ts); then
   * the rows without a close put back whole.
   */
  private gather(): BlockFields[] {
    const cal = this.calendar, n = this.symbols.length, bars = cal.length;
    const barOf = new Int32Array(bars ? cal[bars - 1]! - cal[0]! + 1 : 0).fill(-1);
    for (let t = 0; t < bars; t++) barOf[cal[t]! - cal[0]!] = t;
    const out: BlockFields[] = this.days.map((d) => {
      const m = d?.length ?? 0;
      return { open: new Float64Array(m), high: new Float64Array(m), low: new Float64Array(m), close: new Float64Array(m), volume: new Float64Array(m) };
    });
    const { open: po, high: ph, low: pl, close: pc, volume: pv } = this.fields;
    const cursor = new Int32Array(TILE);
    for (let c0 = 0; c0 < n; c0 += TILE) {
      const c1 = Math.min(n, c0 + TILE);
      cursor.fill(0);
      for (let t0 = 0; t0 < bars; t0 += TILE) {
        const t1 = Math.min(bars, t0 + TILE);
        for (let col = c0; col < c1; col++) {
          const days = this.days[col];
          if (!days) continue;
          const { open, high, low, close, volume } = out[col]!;
          let i = cursor[col - c0]!;
          for (; i < days.length; i++) {
            const t = barOf[days[i]! - cal[0]!]!;
            if (t >= t1) break;
            const at = t * n + col;
            open[i] = po[at]!; high[i] = ph[at]!; low[i] = pl[at]!; close[i] = pc[at]!; volume[i] = pv[at]!;
          }
          cursor[col - c0] = i;
        }
      }
    }
    for (let k = 0; k < this.looseCells.length; k++) {
      const cell = this.looseCells[k]!;
      const col = cell % n, day = cal[(cell - col) / n]!;
      const days = this.days[col]!;
      let lo = 0, hi = days.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (days[mid]! < day) lo = mid + 1; else hi = mid;
      }
      FIELDS.forEach((f, j) => { out[col]![f][lo] = this.looseValues[j]![k]!; });
    }
    return out;
  }
}
