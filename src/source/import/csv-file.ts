import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { isGzip } from '../csv-records.ts';
import { sqlString } from '../local/duckdb.ts';

/**
 * A CSV file as `backtest import` reads it: its header (found by csv-parse, so blank lines and a
 * byte-order mark before it are skipped as before), whether it is gzip (by its magic bytes, not
 * its name), and the DuckDB `read_csv` call that reads its records as text.
 *
 * The reader's dialect is fixed, not sniffed: comma, double quote (doubled to escape), the
 * header's width plus EXTRA_CELLS columns of room (a row with a few cells more than the header
 * has them ignored, as before; one with more is an error naming its line), short rows padded
 * with NULL. An empty cell is '' and a padded one NULL (nullstr is a control character no price
 * file holds), so a line of spaces (which csv-parse skipped) can be told from `  ,,`.
 */
export interface CsvFile {
  readonly path: string;
  readonly gzip: boolean;
  /** The header's cells, trimmed. */
  readonly header: readonly string[];
  /** Lines before the header (blank ones), which DuckDB is told to skip. */
  readonly skip: number;
}

/** Cells a data row may have beyond the header's before the reader refuses it. */
export const EXTRA_CELLS = 16;

/** Opens a CSV file's byte stream, plain or gzip. */
export function csvBytes(file: CsvFile): NodeJS.ReadableStream {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  return file.gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
}

/** The file's header, or undefined when it holds no record at all. */
export async function openCsvFile(path: string): Promise<CsvFile | undefined> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true, to_line: 10_000 }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      return { path, gzip, header: record, skip: info.lines - 1 };
    }
    return undefined;
  } finally {
    parser.destroy();
    input.destroy();
    raw.destroy();
  }
}

/** Column `k` of the reader's output: c0, c1, … for the header's cells. */
export const cell = (k: number) => `c${k}`;

/** A `read_csv` table expression giving every record after the header as text cells c0 … */
export function readCsvSql(file: CsvFile, options: { parallel?: boolean } = {}): string {
  const width = file.header.length + EXTRA_CELLS;
  const columns = Array.from({ length: width }, (_, k) => `${sqlString(cell(k))}: 'VARCHAR'`).join(', ');
  return `read_csv(${sqlString(file.path)}, header = true, skip = ${file.skip}, auto_detect = false, all_varchar = true,
    delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = true, nullstr = '\x01', allow_quoted_nulls = false,
    compression = '${file.gzip ? 'gzip' : 'none'}', parallel = ${options.parallel ?? true}, columns = {${columns}})`;
}
