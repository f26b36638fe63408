import type { DuckDBResult } from '@duckdb/node-api';
import type { Panel } from '../../panel/panel.ts';
import { CellWriter } from './cell-writer.ts';
import { duckThreads } from './duckdb.ts';
import { firstBadRow, type CheckedColumn } from './row-check.ts';

/**
 * The window's rows, streamed from DuckDB straight into the panel's typed arrays.
 *
 * 1. The caller's query is streamed (never materialised: 25 M rows would be a second copy of the
 *    panel), one DuckDB chunk of up to 2,048 rows at a time. Its columns, in this order:
 *    col INTEGER, date DATE, open, high, low, close, volume DOUBLE.
 * 2. Each column of a chunk is read whole as a typed array: one copy of DuckDB's vector memory
 *    (@duckdb/node-bindings: `vector_get_data`, `vector_get_validity`, DuckDB's low-level C API that
 *    @duckdb/node-api is built on; the bindings copy the bytes, as they allow no external buffers):
 *    no value is converted one at a time and no row becomes an object.
 *    A DATE is a 32-bit day number (days since 1970-01-01), as the panel's days are.
 * 3. A row's bar comes from a table indexed by day number; the rows go into the panel through a
 *    CellWriter (cell-writer.ts: tiles, for stores sorted by symbol). A cell written twice is a
 *    repeated (symbol, date); a row that fails the data checks (row-check.ts: BAD_ROW's verdict, on
 *    the values read) is bad. Both are only noted here: the caller names the problem (with SQL, as
 *    before) and throws.
 * 4. A NULL value (validity bit 0) is NaN, as a missing value is in the panel.
 */
export interface WindowRead {
  readonly rows: number;
  readonly duplicates: boolean;
  readonly bad: boolean;
}

const COL = 0, DATE = 1, FIRST_FIELD = 2, FIELDS = 5;

/**
 * `onRows` is told the rows read so far after each chunk (a progress bar). `unfilled`: the panel's
 * price arrays were allocated without their NaN fill (allocatePanel's `filled`); the reader then
 * writes NaN into every cell no row wrote.
 */
export async function readWindow(result: DuckDBResult, panel: Panel, onRows?: (rows: number) => void, unfilled = false): Promise<WindowRead> {
  const { default: duckdb } = await import('@duckdb/node-bindings');
  const n = panel.symbols.length;
  const days = panel.days;
  const bars = days.length;
  const firstDay = bars ? days[0]! : 0;
  const barOf = new Int32Array(bars ? days[bars - 1]! - firstDay + 1 : 0).fill(-1);
  for (let t = 0; t < bars; t++) barOf[days[t]! - firstDay] = t;
  // Each of DuckDB's threads streams its own stretch of the store: a tile open for each (two, for
  // stretches that cross a block), at most 16 (13 MB each at 5,040 bars).
  const open = Math.min(16, Math.max(4, 2 * duckThreads()));
  const writer = new CellWriter([panel.open, panel.high, panel.low, panel.close, panel.volume], n, bars, { open, unfilled });
  let bar = new Int32Array(2048);
  let rows = 0, bad = false;

  // The next chunk is asked for before this one is written: DuckDB makes it on its own thread while
  // this one goes into the panel (each chunk owns its vectors, so reading one while the next is made is safe).
  let next = result.fetchChunk();
  try {
  for (;;) {
    const chunk = await next;
    const count = chunk?.rowCount ?? 0; // a getter that crosses into native code: read it once
    if (count === 0) break;
    next = result.fetchChunk();
    const raw = chunk!.chunk;
    const vector = (column: number) => duckdb.data_chunk_get_vector(raw, column);
    const int32 = (column: number): Int32Array => {
      const bytes = duckdb.vector_get_data(vector(column), count * 4);
      return new Int32Array(bytes.buffer, bytes.byteOffset, count);
    };
    const col = int32(COL), date = int32(DATE);
    if (bar.length < count) bar = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const t = barOf[date[k]! - firstDay];
      const c = col[k]!;
      if (t === undefined || t < 0 || c < 0 || c >= n) throw new Error(`a window row (column ${c}, day ${date[k]}) outside the calendar`);
      bar[k] = t;
    }
    const fields: CheckedColumn[] = [];
    for (let f = 0; f < FIELDS; f++) {
      const v = vector(FIRST_FIELD + f);
      const bytes = duckdb.vector_get_data(v, count * 8);
      fields.push({ values: new Float64Array(bytes.buffer, bytes.byteOffset, count), valid: duckdb.vector_get_validity(v, Math.ceil(count / 64) * 8) ?? null });
    }
    if (!bad && firstBadRow(count, fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!) >= 0) bad = true;
    writer.write(count, bar, col, (f) => fields[f]!);
    rows += count;
    onRows?.(rows);
  }
  } catch (err) {
    next.catch(() => undefined); // a chunk still being made when the read fails: its outcome no longer matters
    throw err;
  }
  writer.finish();
  return { rows, duplicates: writer.duplicates, bad };
}
