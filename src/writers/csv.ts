import { closeSync, openSync, writeSync } from 'node:fs';

export type Cell = string | number | boolean | null | undefined;

/**
 * One CSV field (RFC 4180): numbers in full precision (JavaScript's shortest round-trip form),
 * missing values and non-finite numbers empty, text quoted only when it holds a comma, a quote or
 * a line break.
 *
 * Hand-written rather than csv-stringify: result tables run to millions of rows, and on them
 * csv-stringify costs ~9 µs a row against ~1.4 µs here (measured side by side on 100,000 trade
 * rows). csv-parse still reads every CSV we import.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, with its newline. */
export function csvLine(row: readonly Cell[]): string {
  let line = '';
  for (let k = 0; k < row.length; k++) line += (k ? ',' : '') + csvField(row[k]);
  return `${line}\n`;
}

/** Writes a CSV file with a header, streaming the rows in chunks of about 1 MB; returns the row count. */
export function writeCsvFile(path: string, header: readonly string[], rows: Iterable<readonly Cell[]>): number {
  const fd = openSync(path, 'w');
  let count = 0;
  try {
    let chunk = csvLine(header);
    for (const row of rows) {
      chunk += csvLine(row);
      count++;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return count;
}
