import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | boolean | null | undefined;

/** A CSV cell: numbers in full precision (shortest round-trip form), missing as empty. */
function cell(value: Cell): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  return value;
}

/** Writes a CSV file with a header, streaming rows in chunks (RFC 4180 quoting by csv-stringify). */
export function writeCsvFile(path: string, header: readonly string[], rows: Iterable<readonly Cell[]>): number {
  const fd = openSync(path, 'w');
  let count = 0;
  try {
    writeSync(fd, stringify([header as string[]]));
    let chunk: (string | number | boolean)[][] = [];
    const flush = () => {
      if (chunk.length) writeSync(fd, stringify(chunk, { cast: { boolean: (b) => String(b) } }));
      chunk = [];
    };
    for (const row of rows) {
      chunk.push(row.map(cell));
      count++;
      if (chunk.length === 4096) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return count;
}
