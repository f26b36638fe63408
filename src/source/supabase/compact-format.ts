import { BacktestError } from '../../errors.ts';
import { APPLY_COMPACT, COMPACT_FUNCTIONS, WINDOW_FORMAT, WINDOW_FORMAT_PACKED, WINDOW_FORMATS, type WindowFunction } from '../../supabase/schema.ts';
import { isoDate } from '../../util/dates.ts';
import { priceValue, type Series } from './series.ts';

/**
 * The answers of the window functions, decoded and checked: `backtest_prices_window`
 * (supabase/migrations/20250103000000_compact_reads.sql; below Postgres 16 its one-sort body,
 * 20261130000000_window_one_sort.sql), format `vopa-window-1`, and `backtest_prices_window_scaled`
 * (20261201000000_window_scaled.sql), format `vopa-window-2`, or, as 20261202000000_window_packed.sql
 * redefines it, format `vopa-window-3`:
 * 1. the body must be whole JSON: a body that ends early (a cut the HTTP framing did not show;
 *    fetch decodes a gzip or brotli stream cut short without an error) is not, and is a `CompactCutError`,
 *    never data (a strict prefix of a JSON document is never a JSON document);
 * 2. `{format, tracked, symbols: [{s, rev, d, o, h, l, c, v, m, r}]}` (and, in vopa-window-2,
 *    `p` and `q` for each symbol; in vopa-window-3, `vm` and `vw` too): every symbol asked for
 *    once and no other, its arrays (and vopa-window-3's volumes) as long as its dates, dates
 *    strictly increasing inside the range asked (checked on every answer, never put in order
 *    here: the one-sort body's order rests on how Postgres executes it, not on a documented
 *    promise, so an answer out of order is refused, not repaired), values numbers
 *    (null: missing, NaN; "NaN", "Infinity", "-Infinity" as Postgres writes them), revisions
 *    decimal text; anything else is a `CompactShapeError` naming the migrations.
 * Doubles are Postgres's shortest text that reads back as the same double (the functions set
 * extra_float_digits), so JSON.parse gives every value bit for bit. In vopa-window-2, a symbol's
 * prices with `p` are integers k in units of 10⁻⁴ (close: its change from the row before, or
 * from 0 on the first row and after a missing close; open, high, low: their distance from the
 * row's close, or from 0 where it is missing), each value k / 10000, which the server checked
 * gives the stored double bit for bit; its volumes with `q` are integers. Every integer, given
 * or summed, must be a safe integer (|k| < 2⁵³), where JavaScript's arithmetic on it is exact.
 * vopa-window-3 is vopa-window-2 but for high (its distance above the greater of the row's open
 * and close k, the one there is, 0 where both are missing), low (its distance below the lesser)
 * and volumes with `q` (one string, `vw` characters a row: the volume minus `vm` in lowercase
 * hexadecimal, zero-padded, or `vw` "-" for a missing one).
 */

/** One symbol of an answer: its rows over the range asked, and the revisions of the months it touches. */
export interface WindowSymbol {
  readonly symbol: string;
  readonly series: Series;
  /** The symbol's revision when read (null: it has none, no row was ever written). */
  readonly revision: string | null;
  /** Month (day number of its 1st) → revision, for the months the range touches that have one. */
  readonly months: Map<number, string>;
}

export interface WindowAnswer {
  /** The table has the revision triggers: its revisions can validate a cache. */
  readonly tracked: boolean;
  readonly symbols: WindowSymbol[];
}

/** The body ended before it was whole: retried, never taken as data. */
export class CompactCutError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_CUT', message);
  }
}

/** The answer is not in the format asked for (another version of the migration, or not ours). Exit 1. */
export class CompactShapeError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_SHAPE', message);
  }
}

const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity };
const FIELD_NAMES: Record<string, string> = { o: 'open', h: 'high', l: 'low', c: 'close', v: 'volume' };
/** The scaled formats' prices are integers in units of 1 / SCALE. */
const SCALE = 10_000;

/** `fn`: the function that answered, which decides the formats its answer may have. */
export function decodeWindow(body: Uint8Array, asked: readonly string[], fromDay: number, toDay: number, where = 'prices', fn: WindowFunction = COMPACT_FUNCTIONS.window): WindowAnswer {
  const formats: readonly string[] = WINDOW_FORMATS[fn];
  const readable = formats.join(' or ');
  const shape = (what: string) => new CompactShapeError(`${fn} answered in another shape (${what}); ${APPLY_COMPACT} (this vopa-backtest reads ${readable} from it)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new CompactCutError(`the answer (${body.byteLength} bytes) is not whole JSON`);
  }
  const answer = parsed as { format?: unknown; tracked?: unknown; symbols?: unknown };
  if (!answer || typeof answer !== 'object' || !formats.includes(answer.format as string)) {
    const given = answer && typeof answer === 'object' && 'format' in answer ? `format ${JSON.stringify(answer.format)}` : 'no format';
    throw shape(`${given}, not ${readable}`);
  }
  const scaled = answer.format !== WINDOW_FORMAT;
  const packed = answer.format === WINDOW_FORMAT_PACKED;
  if (typeof answer.tracked !== 'boolean' || !Array.isArray(answer.symbols)) throw shape('tracked or symbols missing');
  const wanted = new Set(asked);
  const seen = new Set<string>();
  const symbols: WindowSymbol[] = [];
  for (const item of answer.symbols as unknown[]) {
    const o = item as Record<string, unknown> | null;
    const symbol = o?.s;
    if (typeof symbol !== 'string' || !wanted.has(symbol) || seen.has(symbol)) throw shape(`symbol ${JSON.stringify(symbol)} ${typeof symbol === 'string' && seen.has(symbol) ? 'twice' : 'not asked for'}`);
    seen.add(symbol);
    const d = o!.d, m = o!.m, r = o!.r, rev = o!.rev;
    if (!Array.isArray(d) || !Array.isArray(m) || !Array.isArray(r) || m.length !== r.length || !(rev === null || (typeof rev === 'string' && /^-?\d+$/.test(rev)))) throw shape(`the arrays of ${symbol}`);
    const days = new Int32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const day = d[i] as unknown;
      if (typeof day !== 'number' || !Number.isInteger(day) || day < fromDay || day > toDay) throw shape(`${symbol}: a date outside the range asked`);
      if (i > 0 && day <= days[i - 1]!) throw shape(`${symbol}: dates out of order, ${isoDate(day)} after ${isoDate(days[i - 1]!)}`);
      days[i] = day;
    }
    const array = (key: string): unknown[] => {
      const values = o![key];
      if (!Array.isArray(values) || values.length !== d.length) throw shape(`${symbol}.${key}: not an array of ${d.length}`);
      return values;
    };
    const field = (key: string): Float64Array => {
      const values = array(key);
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as unknown;
        if (typeof v === 'number') out[i] = v;
        else if (v === null) out[i] = NaN;
        else if (v === 'NaN') out[i] = priceValue(v, where, symbol, days[i]!, FIELD_NAMES[key] ?? key); // refused: a series cannot tell it from missing
        else if (typeof v === 'string' && v in NON_FINITE) out[i] = NON_FINITE[v]!;
        else throw shape(`${symbol}.${key}[${i}] is ${JSON.stringify(v)}`);
      }
      return out;
    };
    /** An integer of a scaled field: a safe integer, or null (missing). */
    const integer = (key: string, values: unknown[], i: number): number | null => {
      const v = values[i];
      if (v === null || Number.isSafeInteger(v)) return v as number | null;
      throw shape(`${symbol}.${key}[${i}] is ${JSON.stringify(v)}, not an integer below 2^53`);
    };
    /** A field of integers as they are (volumes), missing as NaN. */
    const integers = (key: string): Float64Array => {
      const values = array(key);
      return Float64Array.from(values, (_, i) => integer(key, values, i) ?? NaN);
    };
    if (scaled && (typeof o!.p !== 'boolean' || typeof o!.q !== 'boolean')) throw shape(`${symbol}: p and q are not booleans`);
    const prices = scaled && o!.p ? scaledPrices(array, integer, d.length, packed, (what) => shape(`${symbol}: ${what}`)) : { open: field('o'), high: field('h'), low: field('l'), close: field('c') };
    const volume = !(scaled && o!.q) ? field('v') : packed ? hexVolumes(o!.v, o!.vm, o!.vw, d.length, (what) => shape(`${symbol}: ${what}`)) : integers('v');
    const series: Series = { days, ...prices, volume };
    const months = new Map<number, string>();
    for (let j = 0; j < m.length; j++) {
      const month = m[j] as unknown, revision = r[j] as unknown;
      if (typeof month !== 'number' || !Number.isInteger(month) || typeof revision !== 'string' || !/^-?\d+$/.test(revision)) throw shape(`the revisions of ${symbol}`);
      months.set(month, revision);
    }
    symbols.push({ symbol, series, revision: rev as string | null, months });
  }
  if (seen.size !== wanted.size) throw shape(`${wanted.size - seen.size} symbol(s) asked for are missing`);
  return { tracked: answer.tracked, symbols };
}

/**
 * The scaled prices back to doubles: close k = the previous close's k (0 on the first row and
 * after a missing close) + the change given; open k = the row's close k (0 where it is missing) +
 * the distance given; high and low k likewise in vopa-window-2, and in vopa-window-3 (`packed`)
 * high k = the greater of the row's open and close k (the one there is; 0 where both are
 * missing) + the distance given, low k = the lesser − the distance given; each value k / SCALE,
 * the division the server checked.
 */
function scaledPrices(array: (key: string) => unknown[], integer: (key: string, values: unknown[], i: number) => number | null, n: number, packed: boolean, shape: (what: string) => Error): Pick<Series, 'open' | 'high' | 'low' | 'close'> {
  const [o, h, l, c] = (['o', 'h', 'l', 'c'] as const).map(array) as [unknown[], unknown[], unknown[], unknown[]];
  const open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n), close = new Float64Array(n);
  const exact = (k: number, key: string, i: number): number => {
    if (!Number.isSafeInteger(k)) throw shape(`${key}[${i}] sums to ${k}, past 2^53`);
    return k;
  };
  /** The value at `from` ± the distance given (missing: NaN); answers its k, or null when missing. */
  const from = (key: string, values: unknown[], out: Float64Array, k: number, sign: 1 | -1, i: number): number | null => {
    const distance = integer(key, values, i);
    if (distance === null) {
      out[i] = NaN;
      return null;
    }
    const value = exact(k + sign * distance, key, i);
    out[i] = value / SCALE;
    return value;
  };
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const change = integer('c', c, i);
    const k = change === null ? 0 : exact(previous + change, 'c', i);
    close[i] = change === null ? NaN : k / SCALE;
    previous = k;
    const ko = from('o', o, open, k, 1, i);
    if (!packed) {
      from('h', h, high, k, 1, i);
      from('l', l, low, k, 1, i);
      continue;
    }
    const kc = change === null ? null : k;
    const top = ko === null ? (kc ?? 0) : kc === null ? ko : Math.max(ko, kc);
    const bottom = ko === null ? (kc ?? 0) : kc === null ? ko : Math.min(ko, kc);
    from('h', h, high, top, 1, i);
    from('l', l, low, bottom, -1, i);
  }
  return { open, high, low, close };
}

/** The digits of vopa-window-3's volumes: '0'–'9' and 'a'–'f' (lowercase, as Postgres's to_hex writes them). */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) HEX['0123456789abcdef'.charCodeAt(d)] = d;
const DASH = 45;

/**
 * vopa-window-3's volumes back to numbers: `text` holds `width` characters a row, the volume minus
 * `least` in hexadecimal, or all "-" (missing, NaN). Every value and every sum must be a safe
 * integer; the text must be exactly n × width characters.
 */
function hexVolumes(text: unknown, least: unknown, width: unknown, n: number, shape: (what: string) => Error): Float64Array {
  if (typeof text !== 'string' || !Number.isSafeInteger(width) || (width as number) < 1 || (width as number) > 14 || !(least === null || Number.isSafeInteger(least))) {
    throw shape(`v, vm and vw are not a string, an integer below 2^53 or null, and a width of 1 to 14`);
  }
  const w = width as number;
  if (text.length !== n * w) throw shape(`v has ${text.length} characters, not ${n} × ${w}`);
  const out = new Float64Array(n);
  /** Row i's characters, quoted, for an error. */
  const group = (i: number) => JSON.stringify(text.slice(i * w, i * w + w));
  for (let i = 0, at = 0; i < n; i++) {
    if (text.charCodeAt(at) === DASH) {
      for (let j = 0; j < w; j++, at++) if (text.charCodeAt(at) !== DASH) throw shape(`v[${i}] is ${group(i)}, neither ${w} hexadecimal digits nor ${w} "-"`);
      out[i] = NaN;
      continue;
    }
    let value = 0;
    for (let j = 0; j < w; j++, at++) {
      const code = text.charCodeAt(at);
      const digit = code < 128 ? HEX[code]! : -1;
      if (digit < 0) throw shape(`v[${i}] is ${group(i)}, neither ${w} hexadecimal digits nor ${w} "-"`);
      value = value * 16 + digit;
    }
    if (least === null) throw shape(`v[${i}] is a volume, but vm is null`);
    // Digits past 2^53 are not exact here, whatever vm they would be added to.
    if (!Number.isSafeInteger(value)) throw shape(`v[${i}] is ${group(i)}, past 2^53`);
    const volume = (least as number) + value;
    if (!Number.isSafeInteger(volume)) throw shape(`v[${i}] sums to ${volume}, past 2^53`);
    out[i] = volume;
  }
  return out;
}
