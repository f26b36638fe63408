/**
 * Writes rows of (cell, five values) into the panel's time-major arrays, fast whatever order they come in.
 *
 * A panel is time-major (`close[t * n + i]`) while stores are usually sorted by symbol, then date: row
 * after row lands n × 8 bytes further on, a new cache line and a new memory page each time, five times
 * a row (open … volume). At 25 M rows that costs more than DuckDB's whole read. So:
 * 1. A batch whose rows run in long stretches (64 rows or more on average) within one block of 64
 *    columns (a store sorted by symbol) goes to tiles: a tile holds a block's columns × every bar,
 *    column-major (each column's bars consecutive), and is written sequentially as the rows come.
 * 2. A tile is written into the panel when evicted (the least recently used of 4 open tiles) or at
 *    the end, bar by bar: 64 adjacent cells per bar, a few cache lines and one page instead of 64 pages.
 * 3. Any other batch (rows by date, or no order), and every batch of a small panel, is written straight
 *    into the panel, which is then cheap or no worse than a tile.
 * 4. Each cell is marked when written (a tile's own mark, then the panel's at the flush): a cell marked
 *    twice is a repeated (symbol, date), reported as `duplicates`.
 * A cell never written keeps the panel's NaN; a NULL value is written as NaN. With `unfilled` (the
 * panel's arrays were allocated without their NaN fill, a pass over every cell the writes would
 * repeat), `finish` sets the cells never written to NaN instead: those the mask never marked.
 */
const FIELDS = 5;

/** How tiles are cut (the defaults suit a large panel; tests make them small). */
export interface TileOptions {
  /** log2 of the columns in a tile (a block of columns is `column >> shift`); default 6: 64 columns. */
  readonly shift?: number;
  /** Tiles open at once (rows from DuckDB's threads interleave); default 4. */
  readonly open?: number;
  /** Panels of fewer cells take every batch straight in (tiles do not pay for themselves); default 2¹⁸. */
  readonly minCells?: number;
  /** The fields were not filled with NaN: `finish` writes NaN into every cell no row wrote. */
  readonly unfilled?: boolean;
}

export class CellWriter {
  duplicates = false;
  private readonly fields: readonly Float64Array[];
  private readonly n: number;
  private readonly bars: number;
  private readonly seen: Uint8Array;
  private readonly tiles: boolean;
  private readonly unfilled: boolean;
  private readonly shift: number;
  /** Columns per tile (1 << shift) and tiles open at once. */
  private readonly width: number;
  private readonly slots: number;
  // Open tiles: block, last use, bar range, distinct cells held, mark (width × bars) and values (FIELDS × width × bars).
  private readonly blockOf: Int32Array;
  private readonly used: Float64Array;
  private readonly firstBar: Int32Array;
  private readonly lastBar: Int32Array;
  private readonly held: Float64Array;
  private readonly marks: Uint8Array[] = [];
  private readonly values: Float64Array[] = [];
  private readonly slotOf: Int32Array;
  private clock = 0;
  private positions = new Int32Array(2048);

  constructor(fields: readonly Float64Array[], n: number, bars: number, options: TileOptions = {}) {
    this.fields = fields;
    this.n = n;
    this.bars = bars;
    this.seen = new Uint8Array(n * bars);
    this.shift = options.shift ?? 6;
    this.width = 1 << this.shift;
    this.slots = options.open ?? 4;
    this.tiles = n * bars >= (options.minCells ?? 1 << 18) && n > this.width;
    this.unfilled = options.unfilled ?? false;
    this.slotOf = new Int32Array(Math.ceil(n / this.width)).fill(-1);
    this.blockOf = new Int32Array(this.slots).fill(-1);
    this.used = new Float64Array(this.slots);
    this.firstBar = new Int32Array(this.slots);
    this.lastBar = new Int32Array(this.slots);
    this.held = new Float64Array(this.slots);
  }

  /**
   * Writes `count` rows: row k goes to bar `bar[k]`, column `col[k]`; `value(f)` gives field f's values
   * and validity bits (null: all valid) for the batch.
   */
  write(count: number, bar: Int32Array, col: Int32Array, value: (f: number) => { values: Float64Array; valid: Uint8Array | null }): void {
    if (!this.tiles) return this.direct(count, bar, col, value);
    const shift = this.shift;
    let runs = 1;
    for (let k = 1; k < count; k++) if ((col[k]! >> shift) !== (col[k - 1]! >> shift)) runs++;
    if (runs * 64 > count) this.direct(count, bar, col, value); // stretches shorter than 64 rows: no order to use
    else this.staged(count, bar, col, value);
  }

  /** Writes every open tile into the panel (and, `unfilled`, NaN into every cell never written); call once, after the last batch. */
  finish(): void {
    for (let s = 0; s < this.slots; s++) if (this.blockOf[s]! >= 0) this.flush(s);
    if (!this.unfilled) return;
    const { seen, fields } = this;
    // A tile's flush copies its whole rectangle, unwritten cells too (what the panel held there):
    // every cell the mask does not mark is one no row wrote.
    for (let cell = 0; cell < seen.length; cell++) {
      if (seen[cell] === 0) for (let f = 0; f < FIELDS; f++) fields[f]![cell] = NaN;
    }
  }

  private direct(count: number, bar: Int32Array, col: Int32Array, value: (f: number) => { values: Float64Array; valid: Uint8Array | null }): void {
    const { n, seen } = this;
    if (this.positions.length < count) this.positions = new Int32Array(count);
    const cells = this.positions;
    for (let k = 0; k < count; k++) {
      const cell = bar[k]! * n + col[k]!;
      if (seen[cell] !== 0) this.duplicates = true;
      seen[cell] = 1;
      cells[k] = cell;
    }
    for (let f = 0; f < FIELDS; f++) {
      const { values, valid } = value(f);
      const out = this.fields[f]!;
      if (!valid) for (let k = 0; k < count; k++) out[cells[k]!] = values[k]!;
      else for (let k = 0; k < count; k++) out[cells[k]!] = (valid[k >> 3]! >> (k & 7)) & 1 ? values[k]! : NaN;
    }
  }

  /** Rows in stretches of one block each: each stretch into its block's tile. */
  private staged(count: number, bar: Int32Array, col: Int32Array, value: (f: number) => { values: Float64Array; valid: Uint8Array | null }): void {
    const { bars, shift } = this;
    const low = this.width - 1;
    if (this.positions.length < count) this.positions = new Int32Array(count);
    const columns = Array.from({ length: FIELDS }, (_, f) => value(f));
    for (let from = 0; from < count; ) {
      const block = col[from]! >> shift;
      let to = from + 1;
      while (to < count && col[to]! >> shift === block) to++;
      const s = this.open(block);
      const mark = this.marks[s]!;
      const ps = this.positions;
      let lo = this.firstBar[s]!, hi = this.lastBar[s]!, held = 0;
      for (let k = from; k < to; k++) {
        const t = bar[k]!;
        const p = (col[k]! & low) * bars + t;
        if (mark[p] !== 0) this.duplicates = true;
        else held++;
        mark[p] = 1;
        ps[k] = p;
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      this.firstBar[s] = lo;
      this.lastBar[s] = hi;
      this.held[s] = this.held[s]! + held;
      for (let f = 0; f < FIELDS; f++) {
        const out = this.values[s * FIELDS + f]!;
        const { values, valid } = columns[f]!;
        if (!valid) for (let k = from; k < to; k++) out[ps[k]!] = values[k]!;
        else for (let k = from; k < to; k++) out[ps[k]!] = (valid[k >> 3]! >> (k & 7)) & 1 ? values[k]! : NaN;
      }
      from = to;
    }
  }

  /** The slot of block b's tile, opening it (and flushing the least recently used one) when needed. */
  private open(block: number): number {
    let s = this.slotOf[block]!;
    if (s < 0) {
      s = 0;
      for (let k = 1; k < this.slots; k++) if (this.used[k]! < this.used[s]!) s = k;
      if (this.blockOf[s]! >= 0) this.flush(s);
      if (!this.marks[s]) {
        this.marks[s] = new Uint8Array(this.width * this.bars);
        for (let f = 0; f < FIELDS; f++) this.values[s * FIELDS + f] = new Float64Array(this.width * this.bars);
      }
      this.blockOf[s] = block;
      this.slotOf[block] = s;
      this.firstBar[s] = this.bars;
      this.lastBar[s] = -1;
      this.held[s] = 0;
    }
    this.used[s] = ++this.clock;
    return s;
  }

  /**
   * Writes tile s into the panel and frees the slot: (a) its marked cells are marked in the panel's
   * own mask (a cell marked there before is a duplicate), and its unmarked ones take the panel's
   * values, so that (b) the whole rectangle of bars × columns can be copied back, bar by bar,
   * field by field.
   */
  private flush(s: number): void {
    const { n, bars, seen } = this;
    const block = this.blockOf[s]!;
    const c0 = block * this.width, width = Math.min(this.width, n - c0);
    const lo = this.firstBar[s]!, hi = this.lastBar[s]!;
    const mark = this.marks[s]!;
    const tile = this.values.slice(s * FIELDS, s * FIELDS + FIELDS);
    if (markSeen(mark, seen, bars, n, c0, width, lo, hi)) this.duplicates = true;
    if (this.held[s]! < width * (hi - lo + 1)) {
      // Cells the tile does not hold keep the panel's values: read them into the tile first.
      for (let w = 0; w < width; w++) {
        for (let t = lo, p = w * bars + lo, cell = lo * n + c0 + w; t <= hi; t++, p++, cell += n) {
          if (mark[p] === 0) for (let f = 0; f < FIELDS; f++) tile[f]![p] = this.fields[f]![cell]!;
        }
      }
    }
    mark.fill(0);
    for (let f = 0; f < FIELDS; f++) transpose(tile[f]!, this.fields[f]!, bars, n, c0, width, lo, hi);
    this.slotOf[block] = -1;
    this.blockOf[s] = -1;
  }
}

/**
 * Marks the tile's marked cells (bars lo … hi, columns c0 … c0 + width) in the panel's mask, bar by bar;
 * true when one was marked there already (a duplicate).
 */
function markSeen(mark: Uint8Array, seen: Uint8Array, bars: number, n: number, c0: number, width: number, lo: number, hi: number): boolean {
  let twice = 0;
  for (let t = lo; t <= hi; t++) {
    const row = t * n + c0;
    for (let w = 0, p = t; w < width; w++, p += bars) {
      if (mark[p] === 0) continue;
      const cell = row + w;
      twice |= seen[cell]!;
      seen[cell] = 1;
    }
  }
  return twice !== 0;
}

/** out[t × n + c0 + w] = tile[w × bars + t] for bars lo … hi and columns w < width: each bar's cells written side by side. */
function transpose(tile: Float64Array, out: Float64Array, bars: number, n: number, c0: number, width: number, lo: number, hi: number): void {
  for (let t = lo; t <= hi; t++) {
    const row = t * n + c0;
    for (let w = 0, p = t; w < width; w++, p += bars) out[row + w] = tile[p]!;
  }
}
