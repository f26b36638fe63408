import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString, type Duck } from '../local/duckdb.ts';

/**
 * Writing a data folder's Parquet files.
 *
 * The options are fixed so that the same rows give the same bytes with the same DuckDB:
 * zstd at its default level, row groups of 122,880 rows, rows in key order, no key-value
 * metadata (DuckDB writes no time stamp). Only DuckDB's own version, in the footer's
 * `created_by`, differs between versions; `writeIfChanged` therefore keeps a file whose
 * content is already the same, so regenerating committed files leaves git clean.
 */
export const STORE_PARQUET = 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880';

/** Tables `prices` and `universe` in the data contract's columns, for rows made in JavaScript (the sample market). */
export async function createTables(duck: Duck): Promise<void> {
  await duck.connection.run(`CREATE OR REPLACE TABLE prices (symbol VARCHAR NOT NULL, day INTEGER NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE NOT NULL, volume DOUBLE)`);
  await duck.connection.run(`CREATE OR REPLACE TABLE universe (season INTEGER NOT NULL, symbol VARCHAR NOT NULL, peer_group VARCHAR NOT NULL, name VARCHAR)`);
}

export async function appendPrices(duck: Duck, rows: Iterable<{ symbol: string; day: number; open: number | null; high: number | null; low: number | null; close: number; volume: number | null }>): Promise<void> {
  const appender = await duck.connection.createAppender('prices');
  const opt = (v: number | null) => (v === null ? appender.appendNull() : appender.appendDouble(v));
  for (const r of rows) {
    appender.appendVarchar(r.symbol);
    appender.appendInteger(r.day);
    opt(r.open);
    opt(r.high);
    opt(r.low);
    appender.appendDouble(r.close);
    opt(r.volume);
    appender.endRow();
  }
  appender.closeSync();
}

export async function appendUniverse(duck: Duck, rows: Iterable<{ season: number; symbol: string; peer_group: string; name: string | null }>): Promise<void> {
  const appender = await duck.connection.createAppender('universe');
  for (const r of rows) {
    appender.appendInteger(r.season);
    appender.appendVarchar(r.symbol);
    appender.appendVarchar(r.peer_group);
    if (r.name === null) appender.appendNull(); else appender.appendVarchar(r.name);
    appender.endRow();
  }
  appender.closeSync();
}

/** The SELECTs of the two tables above, in key order, as the store holds them. */
export const TABLE_QUERIES = {
  prices: `SELECT symbol, (DATE '1970-01-01' + day) AS date, open, high, low, close, volume FROM prices ORDER BY symbol, date`,
  universe: `SELECT season, symbol, peer_group, name FROM universe ORDER BY season, symbol`,
} as const;

/**
 * Writes the tables `prices` and `universe` into `dir` as prices.parquet and universe.parquet,
 * each under a temporary name first; a file whose rows are already those (same content, in
 * order) is left as it is. Returns the files it wrote.
 */
export async function writeParquetStore(duck: Duck, dir: string): Promise<string[]> {
  const temps: [string, string][] = [];
  try {
    for (const [name, sql] of Object.entries(TABLE_QUERIES)) {
      const temp = join(dir, `.${name}.parquet.partial`);
      temps.push([temp, join(dir, `${name}.parquet`)]);
      await duck.connection.run(`COPY (${sql}) TO ${sqlString(temp)} (${STORE_PARQUET})`);
    }
    const written: string[] = [];
    for (const [temp, final] of temps) if (await writeIfChanged(duck, temp, final)) written.push(final);
    return written;
  } finally {
    for (const [t] of temps) rmSync(t, { force: true });
  }
}

/**
 * Moves `temp` onto `final` unless `final` already holds the same bytes, or the same rows in the
 * same order with the same column names and types (a file written by another DuckDB version).
 * Returns whether it moved.
 */
export async function writeIfChanged(duck: Duck, temp: string, final: string): Promise<boolean> {
  if (existsSync(final) && (readFileSync(final).equals(readFileSync(temp)) || (await sameRows(duck, temp, final)))) {
    rmSync(temp, { force: true });
    return false;
  }
  renameSync(temp, final);
  return true;
}

async function sameRows(duck: Duck, a: string, b: string): Promise<boolean> {
  const read = (f: string) => `read_parquet(${sqlString(f)}, file_row_number = true)`;
  try {
    const schema = async (f: string) => JSON.stringify((await duck.connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(f)})`)).getRows().map((r) => [r[0], r[1]]));
    if ((await schema(a)) !== (await schema(b))) return false;
    const [{ differ }] = (await duck.connection.runAndReadAll(`SELECT count(*)::BIGINT AS differ FROM (
        (SELECT * FROM ${read(a)} EXCEPT ALL SELECT * FROM ${read(b)})
        UNION ALL (SELECT * FROM ${read(b)} EXCEPT ALL SELECT * FROM ${read(a)}))`)).getRowObjectsJS() as [{ differ: bigint }];
    return differ === 0n;
  } catch {
    return false; // the old file cannot be read: replace it
  }
}

/** Renames a file, copying it when the two paths are on different file systems. */
export function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(from, to);
    rmSync(from, { force: true });
  }
}
