import { BacktestError } from '../../errors.ts';
import { APPLY_COMPACT, WINDOW_FORMAT } from '../../supabase/schema.ts';
import { isoDate } from '../../util/dates.ts';
import { priceValue, type Series } from './series.ts';

/**
 * The answer of `backtest_prices_window` (supabase/migrations/20250103000000_compact_reads.sql;
 * below Postgres 16 its one-sort body, 20261130000000_window_one_sort.sql), format `vopa-window-1`,
 * decoded and checked:
 * 1. the body must be whole JSON: a body that ends early (a cut the HTTP framing did not show;
 *    fetch decodes a gzip or brotli stream cut short without an error) is not, and is a `CompactCutError`,
 *    never data (a strict prefix of a JSON document is never a JSON document);
 * 2. `{format, tracked, symbols: [{s, rev, d, o, h, l, c, v, m, r}]}`: every symbol asked for
 *    once and no other, its arrays as long as its dates, dates strictly increasing inside the
 *    range asked (checked on every answer, never put in order here: the one-sort body's order
 *    rests on how Postgres executes it, not on a documented promise, so an answer out of order
 *    is refused, not repaired), values numbers (null: missing, NaN; "NaN", "Infinity",
 *    "-Infinity" as Postgres writes them), revisions decimal text; anything else is a
 *    `CompactShapeError` naming the migrations.
 * Numbers are Postgres's shortest text that reads back as the same double (the function sets
 * extra_float_digits), so JSON.parse gives every value bit for bit.
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

/** The answer is not `vopa-window-1` (another version of the migration, or not ours). Exit 1. */
export class CompactShapeError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_SHAPE', message);
  }
}

const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity };
const FIELD_NAMES: Record<string, string> = { o: 'open', h: 'high', l: 'low', c: 'close', v: 'volume' };

export function decodeWindow(body: Uint8Array, asked: readonly string[], fromDay: number, toDay: number, where = 'prices'): WindowAnswer {
  const shape = (what: string) => new CompactShapeError(`backtest_prices_window answered in another shape (${what}); ${APPLY_COMPACT} (this vopa-backtest reads ${WINDOW_FORMAT})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new CompactCutError(`the answer (${body.byteLength} bytes) is not whole JSON`);
  }
  const answer = parsed as { format?: unknown; tracked?: unknown; symbols?: unknown };
  if (!answer || typeof answer !== 'object' || answer.format !== WINDOW_FORMAT) {
    const format = answer && typeof answer === 'object' && 'format' in answer ? `format ${JSON.stringify(answer.format)}` : 'no format';
    throw shape(`${format}, not ${WINDOW_FORMAT}`);
  }
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
    const field = (key: string): Float64Array => {
      const values = o![key];
      if (!Array.isArray(values) || values.length !== d.length) throw shape(`${symbol}.${key}: not an array of ${d.length}`);
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
    const series: Series = { days, open: field('o'), high: field('h'), low: field('l'), close: field('c'), volume: field('v') };
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
