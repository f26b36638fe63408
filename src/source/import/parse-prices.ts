import { UsageError } from '../../errors.ts';
import { parseIsoDate } from '../../util/dates.ts';
import { readCsvRecords } from './csv-records.ts';
import { detectFormat } from './price-formats.ts';

/** A valid price row, ready to store (day = days since 1970-01-01). */
export interface ImportedPrice {
  symbol: string;
  day: number;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number;
  volume: number | null;
}

/** A row refused, and why. */
export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface ParseOptions {
  /** Symbol for single-symbol files (default: from the file name). */
  readonly symbol?: string | undefined;
  /** Scale Open/High/Low/Close by Adj Close ÷ Close where the file has Adj Close (default true). */
  readonly adjust?: boolean;
}

const MISSING = new Set(['', 'null', 'nan', 'na', 'n/a', '-']);

/**
 * Reads price files into rows, validating each: a real YYYY-MM-DD date, a positive close,
 * numeric values, and no repeated (symbol, date) (the first one wins). Refused rows are
 * returned with their file and line.
 */
export async function parsePriceFiles(files: readonly string[], options: ParseOptions = {}): Promise<{ rows: ImportedPrice[]; rejected: Rejection[] }> {
  const rows: ImportedPrice[] = [];
  const rejected: Rejection[] = [];
  const seen = new Map<string, string>(); // "symbol|day" → where it was first seen
  const adjust = options.adjust ?? true;
  if (options.symbol !== undefined && files.length > 1) {
    throw new UsageError('--symbol names the symbol of one single-symbol file; give one file with it', 'E_BAD_IMPORT');
  }
  for (const file of files) {
    let format: ReturnType<typeof detectFormat> | undefined;
    for await (const { line, cells } of readCsvRecords(file)) {
      if (!format) {
        format = detectFormat(file, cells, options.symbol);
        continue;
      }
      const reject = (reason: string) => rejected.push({ file, line, reason });
      const symbol = typeof format.symbol === 'number' ? (cells[format.symbol] ?? '').trim() : format.symbol;
      if (!symbol) { reject('symbol missing'); continue; }
      const dateText = cells[format.date] ?? '';
      const day = parseIsoDate(dateText);
      if (day === null) {
        reject(/^\d{4}-\d{2}-\d{2}[ T]\d/.test(dateText)
          ? `date "${dateText}" has a time of day: only daily bars are supported`
          : `date "${dateText}" is not a real YYYY-MM-DD date`);
        continue;
      }
      const values: Record<string, number | null> = {};
      let problem: string | undefined;
      for (const field of ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const) {
        const column = format[field];
        const text = column >= 0 ? (cells[column] ?? '') : '';
        if (MISSING.has(text.toLowerCase())) { values[field] = null; continue; }
        const v = Number(text);
        if (!Number.isFinite(v)) { problem = `${field === 'adjClose' ? 'adj close' : field} "${text}" is not a number`; break; }
        values[field] = v;
      }
      if (problem) { reject(problem); continue; }
      let { open, high, low, close } = values;
      if (close === null || close === undefined) { reject('close is missing'); continue; }
      if (close <= 0) { reject(`close ${close} is not positive`); continue; }
      if (adjust && format.adjClose >= 0) {
        const adj = values.adjClose;
        if (adj === null || adj === undefined || adj <= 0) { reject('adj close is missing or not positive'); continue; }
        const factor = adj / close;
        open = open === null ? null : open! * factor;
        high = high === null ? null : high! * factor;
        low = low === null ? null : low! * factor;
        close = adj;
      }
      const key = `${symbol}|${day}`;
      const first = seen.get(key);
      if (first) { reject(`duplicate of ${symbol} ${dateText} at ${first}`); continue; }
      seen.set(key, `${file}:${line}`);
      rows.push({ symbol, day, open: open ?? null, high: high ?? null, low: low ?? null, close, volume: values.volume ?? null });
    }
    if (!format) rejected.push({ file, line: 1, reason: 'the file is empty' });
  }
  return { rows, rejected };
}
