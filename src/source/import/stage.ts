import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { sqlString, type Duck } from '../local/duckdb.ts';
import { EXTRA_CELLS, openCsvFile, readCsvSql, type CsvFile } from './csv-file.ts';
import { detectFormat, type PriceFormat } from './price-formats.ts';
import { runWithProgress, type ImportProgress } from './progress.ts';
import { priceStoreSql } from './stage-prices.ts';
import { STORE_PARQUET } from './write-store.ts';

/**
 * One price file read into Parquet in the store's own columns, every record in file order (so
 * `file_row_number` is the record's number), a refused record (or a line of spaces) marked by a
 * NULL close, which no accepted row has.
 */
export interface StagedFile {
  readonly csv: CsvFile;
  readonly format: PriceFormat | undefined;
  /** The Parquet file, or undefined for a file with no record (refused as empty). */
  readonly stage: string | undefined;
  /** Records marked refused (from the footer's statistics). */
  readonly refused: number;
}

/** A price file whose header has been read: its format, or none when it holds no record. */
export interface OpenedPriceFile {
  readonly path: string;
  readonly csv: CsvFile | undefined;
  readonly format: PriceFormat | undefined;
}

/** Parquet options of files only this import reads back: quick to write. */
export const STAGE_PARQUET = `FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 1`;

/** Checks the files exist and are files, before anything is read or written. */
export function checkInputFiles(files: readonly string[]): void {
  for (const f of files) {
    if (!existsSync(f)) throw new UsageError(`import: no such file ${f}`, 'E_BAD_IMPORT');
    if (!statSync(f).isFile()) throw new UsageError(`import: ${f} is a folder, not a CSV file`, 'E_BAD_IMPORT');
  }
}

/** Reads each price file's header and decides its format; an unknown one is refused before any file is read. */
export async function openPriceFiles(files: readonly string[], symbol: string | undefined): Promise<OpenedPriceFile[]> {
  if (symbol !== undefined && files.length > 1) {
    throw new UsageError('--symbol names the symbol of one single-symbol file; give one file with it', 'E_BAD_IMPORT');
  }
  const opened: OpenedPriceFile[] = [];
  for (const path of files) {
    const csv = await openCsvFile(path);
    opened.push({ path, csv, format: csv ? detectFormat(path, csv.header, symbol) : undefined });
  }
  return opened;
}

/** Reads each price file through DuckDB's CSV reader into `work/prices-<k>.parquet`. */
export async function stagePriceFiles(
  duck: Duck,
  opened: readonly OpenedPriceFile[],
  options: { adjust: boolean },
  work: string,
  progress?: ImportProgress,
): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  for (const [k, { csv, path, format }] of opened.entries()) {
    if (!csv || !format) {
      staged.push({ csv: { path, gzip: false, header: [], skip: 0 }, format, stage: undefined, refused: 0 });
      continue;
    }
    const stage = join(work, `prices-${k}.parquet`);
    await copyCsv(duck, csv, (reader) => `COPY (${priceStoreSql(csv, format, options, reader)}) TO ${sqlString(stage)} (${STORE_PARQUET})`, progress);
    staged.push({ csv, format, stage, refused: await nullCloses(duck, stage) });
  }
  return staged;
}

/** NULL closes in a Parquet file, from its footer's statistics. */
async function nullCloses(duck: Duck, file: string): Promise<number> {
  const [row] = (await duck.connection.runAndReadAll(`SELECT coalesce(sum(stats_null_count), 0)::DOUBLE AS n FROM parquet_metadata(${sqlString(file)}) WHERE path_in_schema = 'close'`)).getRowObjectsJS();
  return Number(row?.n ?? 0);
}

/**
 * Runs a statement reading `csv` (built by `sql` around the reader), as one line of bad input
 * when DuckDB refuses the file's CSV. DuckDB's parallel reader cannot pad short rows in a file
 * whose quoted fields hold line breaks; such a file is read again by one thread.
 */
export async function copyCsv(duck: Duck, csv: CsvFile, sql: (reader: string) => string, progress?: ImportProgress): Promise<void> {
  const size = statSync(csv.path).size;
  const label = `reading ${csv.path}`;
  try {
    await runWithProgress(duck, sql(readCsvSql(csv)), label, size, progress);
  } catch (err) {
    if (!/null_padding in conjunction with quoted new lines/.test(String(err))) throw csvError(csv, err);
    try {
      await runWithProgress(duck, sql(readCsvSql(csv, { parallel: false })), label, size, progress);
    } catch (again) {
      throw csvError(csv, again);
    }
  }
}

/** DuckDB's refusal of a CSV file as one line naming the file and the line: `prices.csv:12: Value with unterminated quote found.` */
export function csvError(csv: CsvFile, err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  const at = /CSV Error on Line: (\d+)/.exec(message);
  if (!at) return err;
  // The message: the line number, "Original Line: …" (the record, line breaks and all), the problem, "Possible fixes…".
  const lines = message.split('\n').map((l) => l.trim());
  const from = lines.findIndex((l) => l.startsWith('Original Line')) + 1;
  const to = lines.findIndex((l, k) => k >= from && /^Possible (fixes|Solution)/.test(l));
  let what = lines.slice(from, to < 0 ? undefined : to).filter(Boolean).at(-1) ?? 'cannot be read as CSV';
  if (/Expected Number of Columns/.test(what)) what = `a row has more than ${csv.header.length + EXTRA_CELLS} cells (the header has ${csv.header.length})`;
  return new UsageError(`import: ${csv.path}:${at[1]}: ${what}`, 'E_BAD_CSV', { cause: err });
}
