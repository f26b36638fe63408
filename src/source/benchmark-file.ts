import { existsSync, statSync } from 'node:fs';
import { firstLine, UsageError } from '../errors.ts';
import { isoDate, parseIsoDate } from '../util/dates.ts';
import { readCsvRecords } from './csv-records.ts';

/**
 * `--benchmark FILE`: a CSV of daily benchmark returns, read as untrusted input.
 *
 * 1. The header must name a `date` column and a `return` (or `returns`) column, in any order and
 *    case; other columns are ignored. Plain or gzip CSV, as `backtest import` reads.
 * 2. Each row: a real YYYY-MM-DD date, and a return that is a finite number, as a fraction
 *    (0.01 = 1 %), not below −1 (a fall of more than everything). No date twice.
 * 3. Any bad row stops the read with a UsageError (exit 2) of one line naming the file, the line
 *    and the problem; nothing is half-read.
 * Then benchmarkOnDays aligns the series to a run's trading days and checks that it covers them.
 */
export interface BenchmarkSeries {
  readonly file: string;
  /** Day numbers (days since 1970-01-01), ascending. */
  readonly days: Int32Array;
  /** The return of each day, close to close, a fraction. */
  readonly returns: Float64Array;
}

const CODE = 'E_BAD_BENCHMARK';
/** A plain decimal number (no hex, no "Infinity", no thousands separators). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;

function fail(file: string, line: number | null, problem: string): never {
  throw new UsageError(`--benchmark ${file}${line === null ? '' : ` line ${line}`}: ${problem}`, CODE);
}

/** Reads and validates a benchmark returns file; see the outline above. */
export async function readBenchmarkFile(file: string): Promise<BenchmarkSeries> {
  if (!existsSync(file)) fail(file, null, 'no such file');
  if (!statSync(file).isFile()) fail(file, null, 'not a file');
  let columns: { date: number; ret: number } | undefined;
  const rows: { day: number; value: number; line: number }[] = [];
  try {
    for await (const { line, cells } of readCsvRecords(file)) {
      if (!columns) {
        const names = cells.map((c) => c.trim().toLowerCase());
        columns = { date: names.indexOf('date'), ret: names.findIndex((n) => n === 'return' || n === 'returns') };
        if (columns.date < 0 || columns.ret < 0) {
          fail(file, line, `the header "${cells.join(',').slice(0, 80)}" has no date and return columns; expected date,return`);
        }
        continue;
      }
      const dateText = cells[columns.date] ?? '';
      const day = parseIsoDate(dateText);
      if (day === null) fail(file, line, `date "${dateText.slice(0, 40)}" is not a real YYYY-MM-DD date`);
      const text = (cells[columns.ret] ?? '').trim();
      if (text === '') fail(file, line, `no return for ${dateText}`);
      const value = DECIMAL.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value)) {
        const shown = `return "${text.slice(0, 40)}"`;
        if (DECIMAL.test(text) || NON_FINITE.test(text)) fail(file, line, `${shown} is not a finite number`);
        fail(file, line, `${shown} is not a number${text.endsWith('%') ? ' (give fractions: 0.01 = 1 %)' : ''}`);
      }
      if (value < -1) fail(file, line, `return ${text} is below −1 (returns are fractions: 0.01 = 1 %)`);
      rows.push({ day, value, line });
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    fail(file, null, `not a readable CSV file (${firstLine(err)})`);
  }
  if (!columns) fail(file, null, 'empty file; expected a header date,return and one row per day');
  if (rows.length === 0) fail(file, null, 'no returns after the header');
  rows.sort((a, b) => a.day - b.day || a.line - b.line);
  for (let k = 1; k < rows.length; k++) {
    if (rows[k]!.day === rows[k - 1]!.day) fail(file, rows[k]!.line, `date ${isoDate(rows[k]!.day)} repeats line ${rows[k - 1]!.line}`);
  }
  return { file, days: Int32Array.from(rows, (r) => r.day), returns: Float64Array.from(rows, (r) => r.value) };
}

/**
 * The benchmark's return on each of a run's trading days (`days`, ascending day numbers), O(days + rows).
 * Day 0 takes the file's return dated that day. Day k > 0 takes the compound of the file's returns dated
 * after day k − 1 up to and including day k, Π (1 + b) − 1: a date the file has and the run's calendar
 * lacks (a day without prices in the data) still counts, in the next trading day's close-to-close return.
 * Every trading day must have its own date in the file: otherwise a UsageError naming the first missing
 * day and how many are missing. Dates outside the run's days are ignored.
 */
export function benchmarkOnDays(series: BenchmarkSeries, days: ArrayLike<number>): Float64Array {
  const out = new Float64Array(days.length);
  let j = 0, missing = 0, firstMissing = -1;
  for (let k = 0; k < days.length; k++) {
    const day = days[k]!;
    // Skip dates before the first day; after it, fold the dates the calendar lacks into `growth`.
    let growth = 1, folded = 0;
    while (j < series.days.length && series.days[j]! < day) {
      if (k > 0) {
        growth *= 1 + series.returns[j]!;
        folded++;
      }
      j++;
    }
    if (j < series.days.length && series.days[j] === day) {
      const own = series.returns[j++]!;
      out[k] = folded === 0 ? own : growth * (1 + own) - 1; // the file's own value when nothing is folded in
    } else if (missing++ === 0) {
      firstMissing = day;
    }
  }
  if (missing > 0) {
    fail(series.file, null, `no return for ${missing} of the run's ${days.length} trading days (the first: ${isoDate(firstMissing)}); the file must cover ${isoDate(days[0]!)} … ${isoDate(days[days.length - 1]!)}`);
  }
  return out;
}
