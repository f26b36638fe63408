import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString, type Duck } from '../local/duckdb.ts';
import type { ImportedPrice } from './parse-prices.ts';
import type { UniverseRow } from './parse-universe.ts';

/**
 * Loads rows into DuckDB tables `prices` and `universe` (the data contract's columns) and
 * writes them to a folder as sorted Parquet, each file under a temporary name first.
 */
export async function createTables(duck: Duck): Promise<void> {
  await duck.connection.run(`CREATE OR REPLACE TABLE prices (symbol VARCHAR NOT NULL, day INTEGER NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE NOT NULL, volume DOUBLE)`);
  await duck.connection.run(`CREATE OR REPLACE TABLE universe (season INTEGER NOT NULL, symbol VARCHAR NOT NULL, peer_group VARCHAR NOT NULL, name VARCHAR)`);
}

export async function appendPrices(duck: Duck, rows: Iterable<ImportedPrice>): Promise<void> {
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

export async function appendUniverse(duck: Duck, rows: Iterable<UniverseRow>): Promise<void> {
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

/** Writes prices.parquet and universe.parquet into `dir` (replacing what was there). */
export async function writeParquetStore(duck: Duck, dir: string): Promise<void> {
  const targets = [
    ['prices', `SELECT symbol, (DATE '1970-01-01' + day) AS date, open, high, low, close, volume FROM prices ORDER BY symbol, date`],
    ['universe', `SELECT season, symbol, peer_group, name FROM universe ORDER BY season, symbol`],
  ] as const;
  const temps: string[] = [];
  try {
    for (const [name, sql] of targets) {
      const temp = join(dir, `.${name}.parquet.partial`);
      temps.push(temp);
      await duck.connection.run(`COPY (${sql}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
    }
    targets.forEach(([name], k) => renameSync(temps[k]!, join(dir, `${name}.parquet`)));
  } finally {
    for (const t of temps) rmSync(t, { force: true });
  }
}
