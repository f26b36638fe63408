import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api';
import { DataError, firstLine } from '../errors.ts';
import { ALL_METRICS } from '../metrics/index.ts';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import { sqlString, type Duck } from '../source/local/duckdb.ts';
import type { RunFolder } from './run-folder.ts';

/**
 * A run's CSV files as DuckDB views named after them (summary, equity, trades, diagnostics,
 * benchmark, signals):
 * 1. the columns the writers know are typed explicitly — so that a column empty in every row (a
 *    sharpe of a flat run) is still a number, and a long file whose first rows look like integers
 *    is not misread — and every text column reads as written before the writer protected it from
 *    spreadsheets (`csv_text`: writers/csv.ts);
 * 2. for a user's `--sql` (`readOnly`), nothing can change them: the views are written into a
 *    database file of their own (in a fresh temporary folder) and that file is opened READ_ONLY,
 *    so no statement can create, replace or drop a view (`CREATE OR REPLACE VIEW summary …`,
 *    `DROP VIEW`, also under EXPLAIN ANALYZE: "attached in read-only mode"); the file is unlinked at
 *    once (the open instance keeps it). The program's own queries use views in memory (quicker);
 * 3. the connection may then read the run's CSV files and nothing else (`lockDown`).
 * Temporary objects are per connection: `userQuery` runs each statement on a fresh one.
 */
export const RUN_TABLES = ['summary', 'equity', 'exposure', 'trades', 'round_trips', 'diagnostics', 'benchmark', 'signals', 'capacity', 'folds', 'oos_equity', 'oos_summary'] as const;
export type RunTable = (typeof RUN_TABLES)[number];

/**
 * A walk-forward's summary.csv ends with the stitched record's row, `variant = oos`: the `summary`
 * view keeps the variants (variant a number, as in every run) and `oos_summary` that one row.
 */
const DERIVED: Partial<Record<RunTable, { readonly file: RunTable; readonly where: string }>> = {
  summary: { file: 'summary', where: `variant IS DISTINCT FROM 'oos'` },
  oos_summary: { file: 'summary', where: `variant = 'oos'` },
};

const DOUBLE_COLUMNS = new Set<string>([
  ...ALL_METRICS,
  'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'quantity', 'price', 'notional', 'cost', 'asked', 'ic', 'value', 'vopa',
  'entry', 'exit', 'pnl', 'capital', 'unfilled_share', 'benchmark_equity',
]);
const INTEGER_COLUMNS = new Set(['variant', 'rank', 'fills', 'round_trips', 'max_drawdown_days', 'positions', 'holding_days']);
/** Dates (round_trips.csv has two). */
const DATE_COLUMNS = new Set(['date', 'open_date', 'close_date']);
/** folds.csv's and oos_equity.csv's own columns (their is_<metric> and oos_<metric> are numbers). */
const WALK_FORWARD_INTEGERS = new Set(['fold', 'oos_rank', 'oos_rank_of', 'oos_best_variant', 'train_days', 'test_days']);
const WALK_FORWARD_DATES = new Set(['train_start', 'train_end', 'test_start', 'test_end']);
const WALK_FORWARD_DOUBLES = /^(is|oos)_|^benchmark_(equity|total_return)$/;
const TEXT_COLUMNS = new Set(['strategy', 'status', 'symbol', 'side', 'reason', 'peer_group']);

/**
 * A text cell as it was before writers/csv.ts protected it (`csvText`): one leading quote goes
 * when quotes and then `=`, `+`, `-`, `@`, tab, CR or LF begin the cell.
 */
const CSV_TEXT_MACRO = String.raw`CREATE MACRO csv_text(s) AS CASE WHEN regexp_matches(s, '^''+[=+@\t\r\n-]') THEN s[2:] ELSE s END`;

export interface RunTables {
  readonly duck: Duck;
  readonly run: RunFolder;
  /** The tables this run has, in RUN_TABLES order. */
  readonly present: readonly RunTable[];
  /** Column names of each present table, in file order. */
  readonly columns: Readonly<Partial<Record<RunTable, readonly string[]>>>;
  /** A new connection to the same views, under the same locked settings (temporary objects are per connection). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/**
 * Opens the run's views. `readOnly` (for a user's `--sql`): in a database file opened READ_ONLY
 * (see the outline above; it costs about a tenth of a second more); otherwise in memory, for the
 * program's own queries (inspect's tables, the report).
 */
export async function openRunTables(run: RunFolder, options: { readOnly?: boolean } = {}): Promise<RunTables> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const present: RunTable[] = [];
  const columns: Partial<Record<RunTable, string[]>> = {};
  const folder = options.readOnly ? mkdtempSync(join(tmpdir(), 'backtest-run-views-')) : undefined;
  let instance: DuckDBInstance | undefined;
  const connections: DuckDBConnection[] = [];
  const closeAll = () => {
    for (const c of connections) c.closeSync();
    instance?.closeSync();
    if (folder) rmSync(folder, { recursive: true, force: true });
  };
  const define = async (w: DuckDBConnection) => {
    await w.run(CSV_TEXT_MACRO);
    const walkForward = run.manifest.walk_forward !== undefined;
    for (const table of RUN_TABLES) {
      const derived = walkForward ? DERIVED[table] : undefined;
      if (table === 'oos_summary' && !derived) continue;
      const file = derived?.file ?? table;
      const csv = join(run.dir, `${file}.csv`);
      if (!existsSync(csv)) continue;
      const header = csvHeader(csv);
      try {
        const body = await viewQuery(w, csv, header, file, derived !== undefined || file === 'oos_equity' ? 'text' : 'integer');
        // A walk-forward's variants: their number back to an integer, the oos row apart.
        const select = !derived ? body : table === 'summary' ? `SELECT * REPLACE (CAST(variant AS BIGINT) AS variant) FROM (${body}) WHERE ${derived.where}` : `SELECT * FROM (${body}) WHERE ${derived.where}`;
        await w.run(`CREATE VIEW ${table} AS ${select}`);
      } catch (err) {
        throw damaged(run, `${file}.csv`, err);
      }
      present.push(table);
      columns[table] = header;
    }
  };
  try {
    if (folder) {
      const file = join(folder, 'views.duckdb');
      const writer = await DuckDBInstance.create(file, { threads: '1' });
      const w = await writer.connect();
      try {
        await define(w);
      } finally {
        w.closeSync();
        writer.closeSync();
      }
      instance = await DuckDBInstance.create(file, { threads: '2', access_mode: 'READ_ONLY' });
      rmSync(folder, { recursive: true, force: true }); // the open instance keeps the file; nothing is left behind
    } else {
      instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    }
    const connect = async () => {
      const c = await instance!.connect();
      connections.push(c);
      return c;
    };
    const connection = await connect();
    if (!folder) await define(connection);
    await lockDown(connection, [...new Set(present.map((t) => join(run.dir, `${DERIVED[t]?.file ?? t}.csv`)))]); // settings of the instance: later connections have them too
    return { duck: { connection, close: closeAll }, run, present, columns, connect, close: closeAll };
  } catch (err) {
    closeAll();
    throw err;
  }
}

/**
 * The SELECT of a view over one CSV: known columns typed, text columns read back as written. The
 * `variant` column is a number but in a walk-forward's summary.csv (its `oos` row) and oos_equity.csv.
 */
async function viewQuery(w: DuckDBConnection, csv: string, header: readonly string[], file: RunTable, variant: 'integer' | 'text'): Promise<string> {
  const columnType = (name: string) => (name === 'variant' && variant === 'text' ? 'VARCHAR' : typeOf(name, file === 'folds' || file === 'oos_equity'));
  const types = header.filter((c) => columnType(c)).map((c) => `${sqlString(c)}: '${columnType(c)}'`);
  const source = `read_csv(${sqlString(csv)}, header=true, auto_detect=true${types.length ? `, types={${types.join(', ')}}` : ''})`;
  // Which columns come out as text get csv_text: the known text columns, and — only where some
  // column's type is not known (strategy parameters in summary.csv, a signal's companions) — those
  // DuckDB's sniffer reads as text.
  let text = header.filter((c) => columnType(c) === 'VARCHAR');
  if (header.some((c) => columnType(c) === undefined)) {
    const described = await w.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    text = described.getRowObjectsJS().filter((r) => r.column_type === 'VARCHAR').map((r) => String(r.column_name));
  }
  const replace = text.length ? ` REPLACE (${text.map((c) => `csv_text(${sqlName(c)}) AS ${sqlName(c)}`).join(', ')})` : '';
  return `SELECT *${replace} FROM ${source}`;
}

/**
 * The connection may read the run's CSV files and nothing else: no other file (read, written or
 * attached), no extension installed or loaded, and no setting changed back. (A `--sql` is the
 * user's, but it reads a run: a query that writes files is a mistake, or a pasted one.)
 */
async function lockDown(connection: DuckDBConnection, files: readonly string[]): Promise<void> {
  await connection.run(`SET allowed_paths = [${files.map(sqlString).join(', ')}]`);
  for (const setting of ['enable_external_access = false', 'autoinstall_known_extensions = false', 'autoload_known_extensions = false', 'lock_configuration = true']) {
    await connection.run(`SET ${setting}`);
  }
}

export function damaged(run: RunFolder, file: string, err: unknown): DataError {
  const message = firstLine(err);
  return new DataError(`run ${run.id}: ${file} cannot be read (${message}); the folder is damaged — run it again`, 'E_RUN_BROKEN', { cause: err });
}

function typeOf(name: string, walkForward: boolean): string | undefined {
  if (DATE_COLUMNS.has(name)) return 'DATE';
  if (walkForward) {
    if (WALK_FORWARD_DATES.has(name)) return 'DATE';
    if (WALK_FORWARD_INTEGERS.has(name)) return 'BIGINT';
    if (WALK_FORWARD_DOUBLES.test(name)) return 'DOUBLE';
  }
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
