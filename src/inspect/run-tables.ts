import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { DuckDBResultReader } from '@duckdb/node-api';
import { DataError, firstLine } from '../errors.ts';
import { ALL_METRICS } from '../metrics/index.ts';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import { openDuck, sqlString, type Duck } from '../source/local/duckdb.ts';
import type { RunFolder } from './run-folder.ts';

/**
 * A run's CSV files as DuckDB views named after them (summary, equity, trades, diagnostics,
 * benchmark, signals). Columns the writers know are typed explicitly, so that a column that is
 * empty in every row (a sharpe of a flat run) is still a number, and a long file whose first rows
 * look like integers is not misread.
 */
export const RUN_TABLES = ['summary', 'equity', 'trades', 'diagnostics', 'benchmark', 'signals'] as const;
export type RunTable = (typeof RUN_TABLES)[number];

const DOUBLE_COLUMNS = new Set<string>([
  ...ALL_METRICS,
  'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'quantity', 'price', 'notional', 'cost', 'ic', 'value', 'vopa',
]);
const INTEGER_COLUMNS = new Set(['variant', 'rank', 'fills', 'round_trips', 'max_drawdown_days']);
const TEXT_COLUMNS = new Set(['strategy', 'symbol', 'side', 'reason', 'peer_group']);

export interface RunTables {
  readonly duck: Duck;
  readonly run: RunFolder;
  /** The tables this run has, in RUN_TABLES order. */
  readonly present: readonly RunTable[];
  /** Column names of each present table, in file order. */
  readonly columns: Readonly<Partial<Record<RunTable, readonly string[]>>>;
  close(): void;
}

/** Opens an in-memory DuckDB with one view per CSV file of the run. */
export async function openRunTables(run: RunFolder): Promise<RunTables> {
  const duck = await openDuck();
  const present: RunTable[] = [];
  const columns: Partial<Record<RunTable, string[]>> = {};
  try {
    for (const table of RUN_TABLES) {
      const file = join(run.dir, `${table}.csv`);
      if (!existsSync(file)) continue;
      const header = csvHeader(file);
      const types = header.filter((c) => columnType(c)).map((c) => `${sqlString(c)}: '${columnType(c)}'`);
      const typed = types.length ? `, types={${types.join(', ')}}` : '';
      try {
        await duck.connection.run(`CREATE VIEW ${table} AS SELECT * FROM read_csv(${sqlString(file)}, header=true, auto_detect=true${typed})`);
      } catch (err) {
        throw damaged(run, `${table}.csv`, err);
      }
      present.push(table);
      columns[table] = header;
    }
    await lockDown(duck, present.map((t) => join(run.dir, `${t}.csv`)));
  } catch (err) {
    duck.close();
    throw err;
  }
  return { duck, run, present, columns, close: () => duck.close() };
}

/**
 * After the views exist, the connection may read the run's CSV files and nothing else: no other file
 * (read, written or attached), no extension installed or loaded, and no setting changed back. (A
 * `--sql` is the user's, but it reads a run: a query that writes files is a mistake, or a pasted one.)
 */
async function lockDown(duck: Duck, files: readonly string[]): Promise<void> {
  await duck.connection.run(`SET allowed_paths = [${files.map(sqlString).join(', ')}]`);
  for (const setting of ['enable_external_access = false', 'autoinstall_known_extensions = false', 'autoload_known_extensions = false', 'lock_configuration = true']) {
    await duck.connection.run(`SET ${setting}`);
  }
}

export function damaged(run: RunFolder, file: string, err: unknown): DataError {
  const message = firstLine(err);
  return new DataError(`run ${run.id}: ${file} cannot be read (${message}); the folder is damaged — run it again`, 'E_RUN_BROKEN', { cause: err });
}

function columnType(name: string): string | undefined {
  if (name === 'date') return 'DATE';
  if (INTEGER_COLUMNS.has(name)) return 'BIGINT';
  if (DOUBLE_COLUMNS.has(name) || name.startsWith('ic_')) return 'DOUBLE';
  if (TEXT_COLUMNS.has(name)) return 'VARCHAR';
  return undefined; // strategy parameters: let DuckDB see ints, numbers, booleans or text
}

/** The header row of a CSV file (read from its first 64 KiB). */
function csvHeader(file: string): string[] {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, n).toString('utf8');
    const end = text.indexOf('\n');
    return (parse(end < 0 ? text : text.slice(0, end), { relax_quotes: true }) as string[][])[0] ?? [];
  } finally {
    closeSync(fd);
  }
}

/** A query's result: column names, DuckDB type names and rows of plain JS values. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly types: readonly string[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
}

const NUMERIC_TYPE = /^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * Runs SQL and returns plain values: numbers as numbers (NaN and infinities as null; integers beyond
 * 2^53 stay text), dates and timestamps as ISO text, everything else as DuckDB renders it in JSON.
 */
export function query(tables: RunTables, sql: string): Promise<QueryResult> {
  return readRows(tables, () => tables.duck.connection.runAndReadAll(sql));
}

/** The rows of what `run` executes (a query's text, or a prepared statement), as `query` returns them. */
export async function readRows(tables: RunTables, run: () => Promise<DuckDBResultReader>): Promise<QueryResult> {
  let reader;
  try {
    reader = await run();
  } catch (err) {
    const message = firstLine(err);
    // The views read the files lazily: a file that does not parse shows up here.
    if (/CSV Error|sniff/i.test(message)) throw damaged(tables.run, 'a CSV file of the run', err);
    throw err;
  }
  const columns = reader.columnNames();
  const types = reader.columnTypes().map(String);
  const numeric = types.map((t) => NUMERIC_TYPE.test(t));
  const rows = reader.getRowsJson().map((row) =>
    row.map((value, k) => {
      if (value === null || !numeric[k]) return value;
      const n = Number(value);
      if (!Number.isFinite(n)) return null;
      return Number.isInteger(n) && !Number.isSafeInteger(n) ? String(value) : n;
    }),
  );
  return { columns, types, rows };
}

/** Rows of a query as objects keyed by column name. */
export async function queryObjects(tables: RunTables, sql: string): Promise<Record<string, unknown>[]> {
  const r = await query(tables, sql);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, k) => [c, row[k]])));
}

/** True when the run's strategy declares a signal (summary.csv has its diagnostics columns). */
export function hasSignal(tables: RunTables): boolean {
  return (tables.columns.summary ?? []).some((c) => (SIGNAL_COLUMNS as readonly string[]).includes(c));
}

/** A double-quoted SQL identifier (peer-group columns hold spaces). */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
