/**
 * A cached window as it lies in its file (entry-file.ts): the panel's own arrays.
 * 1. `calendar`: each day on which some symbol has a row; `open` … `volume`: bars × symbols,
 *    time-major (cell t × n + j), NaN where symbol j has no row on day t and in all five where
 *    its row has no close — exactly the cells a panel of these symbols over this calendar holds;
 * 2. the rows without a close, kept whole aside (`looseCells`, `looseValues`), so that each
 *    symbol's rows can be given back exactly;
 * 3. `series(j, days)`: symbol j's rows as a `CachedSeries` whose days are read from the file and
 *    whose values are gathered from the matrices (a strided pass) only when first asked for: a
 *    panel built straight from the block (source/supabase/series.ts) never asks;
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
const origin = new WeakMap<CachedSeries, { block: WindowBlock; column: number }>();

export class WindowBlock {
  readonly symbols: readonly string[];
  readonly calendar: Int32Array;
  readonly fields: BlockFields;
  private readonly looseCells: Int32Array;
  private readonly looseValues: readonly Float64Array[];
  private barOf: Int32Array | undefined;
  private loose: Map<number, number> | undefined;

  constructor(symbols: readonly string[], calendar: Int32Array, fields: BlockFields, looseCells: Int32Array, looseValues: readonly Float64Array[]) {
    this.symbols = symbols;
    this.calendar = calendar;
    this.fields = fields;
    this.looseCells = looseCells;
    this.looseValues = looseValues;
  }

  /** The block and column `series` was made from, or undefined. */
  static of(series: CachedSeries): { block: WindowBlock; column: number } | undefined {
    return origin.get(series);
  }

  /** Column `column`'s rows (`days`: its days as in the file), values gathered on first use. */
  series(column: number, days: Int32Array): CachedSeries {
    let values: BlockFields | undefined;
    const get = () => (values ??= this.gather(column, days));
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

  private gather(column: number, days: Int32Array): BlockFields {
    const cal = this.calendar;
    if (!this.barOf) {
      this.barOf = new Int32Array(cal.length ? cal[cal.length - 1]! - cal[0]! + 1 : 0).fill(-1);
      for (let t = 0; t < cal.length; t++) this.barOf[cal[t]! - cal[0]!] = t;
    }
    if (!this.loose) {
      this.loose = new Map();
      for (let k = 0; k < this.looseCells.length; k++) this.loose.set(this.looseCells[k]!, k);
    }
    const n = this.symbols.length, m = days.length;
    const out = { open: new Float64Array(m), high: new Float64Array(m), low: new Float64Array(m), close: new Float64Array(m), volume: new Float64Array(m) };
    for (let f = 0; f < FIELDS.length; f++) {
      const from = this.fields[FIELDS[f]!], to = out[FIELDS[f]!], aside = this.looseValues[f]!;
      for (let i = 0; i < m; i++) {
        const cell = this.barOf[days[i]! - cal[0]!]! * n + column;
        const k = this.loose.size ? this.loose.get(cell) : undefined;
        to[i] = k === undefined ? from[cell]! : aside[k]!;
      }
    }
    return out;
  }
}
