import { DataError } from '../errors.ts';
import { isoDate } from '../util/dates.ts';

/**
 * Price rows checked as a source reads them, whatever the source: a close that is not a positive
 * finite number, an open that is given but not one, a high below the low, a negative volume, or a
 * (symbol, date) given twice is bad input (exit 2). One pass; the first problem is named with its
 * symbol, date and value, and how many more rows have one. (The local source asks DuckDB the same
 * questions in SQL before the rows reach the panel.)
 */
export class PriceCheck {
  private first: string | undefined;
  private count = 0;
  private duplicates = 0;
  private firstDuplicate: string | undefined;

  /** Notes one row's problem, if any. Values may be anything a server sent (strings, null, NaN). */
  row(symbol: string, day: number, r: { open?: unknown; high?: unknown; low?: unknown; close?: unknown; volume?: unknown }): void {
    const problem = rowProblem(r);
    if (problem === undefined) return;
    this.count++;
    this.first ??= `${symbol} on ${isoDate(day)}: ${problem}`;
  }

  /** Notes a (symbol, date) that came twice. */
  duplicate(symbol: string, day: number): void {
    this.duplicates++;
    this.firstDuplicate ??= `${symbol} on ${isoDate(day)} appears more than once`;
  }

  /** Throws the first problem found (duplicates first), naming `where`. */
  verdict(where: string): void {
    if (this.firstDuplicate) {
      throw new DataError(`${where}: ${this.firstDuplicate}${this.duplicates > 1 ? ` (${this.duplicates} repeated rows in the window)` : ''}; each (symbol, date) must appear once`, 'E_DUPLICATE_ROWS');
    }
    if (this.first) {
      throw new DataError(`${where}: ${this.first}${this.count > 1 ? ` (and ${this.count - 1} more such row${this.count > 2 ? 's' : ''} in the window)` : ''}`, 'E_BAD_PRICES');
    }
  }
}

const missing = (v: unknown) => v === null || v === undefined;
const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** What is wrong with a row's values, or undefined. A missing close means no row (the caller skips it). */
export function rowProblem(r: { open?: unknown; high?: unknown; low?: unknown; close?: unknown; volume?: unknown }): string | undefined {
  if (!missing(r.close) && !positive(r.close)) return `close ${String(r.close)} (a close must be a positive number)`;
  if (!missing(r.open) && !positive(r.open)) return `open ${String(r.open)} (an open must be a positive number, or missing)`;
  for (const field of ['high', 'low'] as const) {
    const v = r[field];
    if (!missing(v) && !(typeof v === 'number' && Number.isFinite(v))) return `${field} ${String(v)} (not a number)`;
  }
  if (typeof r.high === 'number' && typeof r.low === 'number' && r.high < r.low) return `high ${r.high} is below low ${r.low}`;
  if (!missing(r.volume) && !(typeof r.volume === 'number' && Number.isFinite(r.volume) && r.volume >= 0)) return `volume ${String(r.volume)} (a volume must be a number ≥ 0, or missing)`;
  return undefined;
}
