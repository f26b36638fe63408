import { basename } from 'node:path';
import { UsageError } from '../../errors.ts';

/**
 * The CSV layouts `backtest import` reads:
 * - long: `symbol,date,open,high,low,close,volume` (any order; open/high/low/volume optional);
 * - Yahoo-style single symbol: `Date,Open,High,Low,Close[,Adj Close],Volume`, or a first
 *   column with an empty header holding the date (pandas' index), the symbol from `--symbol`
 *   or the file name.
 */
export interface PriceFormat {
  readonly kind: 'long' | 'single';
  readonly symbol: number | string; // a column (long) or the fixed symbol (single)
  readonly date: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly adjClose: number;
  readonly volume: number;
}

export function detectFormat(file: string, header: readonly string[], symbol: string | undefined): PriceFormat {
  const names = header.map((h) => h.trim().toLowerCase().replace(/[\s_]+/g, ' '));
  const at = (...aliases: string[]) => names.findIndex((h) => aliases.includes(h));
  const close = at('close');
  let date = at('date', 'datetime', 'timestamp');
  if (date < 0 && names[0] === '') date = 0;
  if (close < 0 || date < 0) {
    throw new UsageError(
      `${file}: unrecognised header "${header.join(',')}"; expected symbol,date,open,high,low,close,volume or Date,Open,High,Low,Close,Adj Close,Volume`,
      'E_BAD_IMPORT',
    );
  }
  const symbolColumn = at('symbol', 'ticker', 'name');
  const common = { date, open: at('open'), high: at('high'), low: at('low'), close, adjClose: at('adj close', 'adjclose', 'adjusted close'), volume: at('volume') };
  if (symbolColumn >= 0 && symbol === undefined) return { kind: 'long', symbol: symbolColumn, ...common };
  return { kind: 'single', symbol: symbol ?? symbolFromFileName(file), ...common };
}

/** `orcl-1995-2014.txt` → ORCL, `GOOG.csv.gz` → GOOG: the file name up to its first '-', '_' or '.', upper-cased. */
function symbolFromFileName(file: string): string {
  const stem = basename(file).split(/[-_.]/)[0] ?? '';
  if (!stem) throw new UsageError(`${file}: cannot take a symbol from the file name; give --symbol`, 'E_BAD_IMPORT');
  return stem.toUpperCase();
}
