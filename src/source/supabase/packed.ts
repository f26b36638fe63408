import { BacktestError } from '../../errors.ts';
import { COMPACT_MIGRATION, PACKED_MAGIC as MAGIC } from '../../supabase/schema.ts';
import type { Series } from './series.ts';

/**
 * The answer of `backtest_prices_window` (supabase/migrations/20250103000000_compact_reads.sql),
 * format 1, decoded and checked:
 * 1. the magic `VOPAPX1\n`, then flags and the number of symbols;
 * 2. per symbol: its name, rows n, months m, symbol revision, then n days, five blocks of n
 *    big-endian doubles and m (month, revision) pairs;
 * 3. every length is checked against the bytes that remain before it is used: a body that ends
 *    early (a cut the HTTP framing did not show) is a `PackedCutError`, never data; anything
 *    else that does not fit (another magic, bytes left over, a symbol not asked for or twice,
 *    dates out of order or outside the range) is a `PackedShapeError`.
 */

/** One symbol of a packed answer: its rows over the range asked, and the revisions of the months it touches. */
export interface PackedSymbol {
  readonly symbol: string;
  readonly series: Series;
  /** The symbol's revision when read (null: it has none, no row was ever written). */
  readonly revision: string | null;
  /** Month (day number of its 1st) → revision, for the months the range touches that have one. */
  readonly months: Map<number, string>;
}

export interface PackedAnswer {
  /** The table has the revision triggers: its revisions can validate a cache. */
  readonly tracked: boolean;
  readonly symbols: PackedSymbol[];
}

/** The body ended before its own lengths said it would: retried, never taken as data. */
export class PackedCutError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_CUT', message);
  }
}

/** The answer is not format 1 (another version of the migration, or not ours). Exit 1. */
export class PackedShapeError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_SHAPE', message);
  }
}

/** `bytes` big-endian values of `size` bytes from `at`, copied into an aligned buffer in this machine's byte order. */
function swapped(body: Uint8Array, at: number, bytes: number, size: 4 | 8): ArrayBuffer {
  const copy = Buffer.allocUnsafeSlow(bytes); // its own buffer, aligned
  copy.set(body.subarray(at, at + bytes));
  if (LITTLE_ENDIAN) {
    if (size === 8) copy.swap64();
    else copy.swap32();
  }
  return copy.buffer.byteLength === bytes && copy.byteOffset === 0 ? copy.buffer : copy.buffer.slice(copy.byteOffset, copy.byteOffset + bytes);
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function decodePacked(body: Uint8Array, asked: readonly string[], fromDay: number, toDay: number): PackedAnswer {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const need = (bytes: number, what: string) => {
    if (bytes < 0 || at + bytes > body.byteLength) {
      throw new PackedCutError(`the answer ends at byte ${body.byteLength} inside ${what} (${bytes} more bytes from byte ${at} were announced)`);
    }
  };
  const shape = (what: string) => new PackedShapeError(`backtest_prices_window answered in another shape (${what}); apply ${COMPACT_MIGRATION} to the project (this vopa-backtest reads format 1)`);
  if (body.byteLength < MAGIC.length) {
    if (new TextDecoder().decode(body) === MAGIC.slice(0, body.byteLength)) throw new PackedCutError(`the answer ends at byte ${body.byteLength}, inside its header`);
    throw shape(`${body.byteLength} bytes`);
  }
  const magic = new TextDecoder().decode(body.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw shape(`it begins ${JSON.stringify(magic.replace(/[^\x20-\x7e]/g, '.'))}`);
  at = MAGIC.length;
  need(8, 'the header');
  const flags = view.getInt32(at);
  const count = view.getInt32(at + 4);
  at += 8;
  const wanted = new Set(asked);
  if (count < 0 || count > wanted.size) throw shape(`${count} symbols for ${wanted.size} asked`);
  const seen = new Set<string>();
  const symbols: PackedSymbol[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let k = 0; k < count; k++) {
    need(4, `symbol ${k + 1} of ${count}`);
    const nameBytes = view.getInt32(at);
    at += 4;
    need(nameBytes, `the name of symbol ${k + 1}`);
    let symbol: string;
    try {
      symbol = decoder.decode(body.subarray(at, at + nameBytes));
    } catch {
      throw shape(`symbol ${k + 1} is not UTF-8`);
    }
    at += nameBytes;
    if (!wanted.has(symbol) || seen.has(symbol)) throw shape(`symbol ${JSON.stringify(symbol)} ${seen.has(symbol) ? 'twice' : 'not asked for'}`);
    seen.add(symbol);
    need(16, `the counts of ${symbol}`);
    const n = view.getInt32(at);
    const m = view.getInt32(at + 4);
    const revision = view.getBigInt64(at + 8);
    at += 16;
    if (n < 0 || m < 0) throw shape(`negative counts for ${symbol}`);
    need(n * 44 + m * 12, `the ${n} rows and ${m} months of ${symbol}`);
    const days = new Int32Array(swapped(body, at, n * 4, 4));
    at += n * 4;
    for (let i = 0; i < n; i++) {
      const day = days[i]!;
      if (day < fromDay || day > toDay || (i > 0 && day <= days[i - 1]!)) throw shape(`${symbol}: dates out of order or outside the range asked`);
    }
    const field = () => {
      const out = new Float64Array(swapped(body, at, n * 8, 8));
      at += n * 8;
      return out;
    };
    const series: Series = { days, open: field(), high: field(), low: field(), close: field(), volume: field() };
    const months = new Map<number, string>();
    const monthAt = at;
    at += m * 4;
    for (let j = 0; j < m; j++, at += 8) months.set(view.getInt32(monthAt + j * 4), view.getBigInt64(at).toString());
    symbols.push({ symbol, series, revision: revision === 0n ? null : revision.toString(), months });
  }
  if (at !== body.byteLength) throw shape(`${body.byteLength - at} bytes after the last symbol`);
  if (seen.size !== wanted.size) throw shape(`${wanted.size - seen.size} symbol(s) asked for are missing`);
  return { tracked: (flags & 1) === 1, symbols };
}
