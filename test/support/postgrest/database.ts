import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** The repository's migrations, applied in file-name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../supabase/migrations/', import.meta.url));

/** A table's columns (in order) and primary key, as PostgREST's schema cache knows them. */
export interface TableInfo {
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
}

/** Real Postgres (PGlite, in memory) with our migrations applied. */
export async function openDatabase(options: { migrations?: boolean } = {}): Promise<PGlite> {
  const db = await PGlite.create();
  if (options.migrations ?? true) {
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
      await db.exec(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
    }
  }
  return db;
}

/** The schema cache: every table of `public` with its columns and primary key. */
export async function readSchema(db: PGlite): Promise<Map<string, TableInfo>> {
  const columns = await db.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
  );
  const keys = await db.query<{ table_name: string; column_name: string }>(
    `select k.table_name, k.column_name from information_schema.table_constraints c
       join information_schema.key_column_usage k on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
      where c.table_schema = 'public' and c.constraint_type = 'PRIMARY KEY' order by k.table_name, k.ordinal_position`,
  );
  const schema = new Map<string, { columns: string[]; primaryKey: string[] }>();
  for (const r of columns.rows) {
    if (!schema.has(r.table_name)) schema.set(r.table_name, { columns: [], primaryKey: [] });
    schema.get(r.table_name)!.columns.push(r.column_name);
  }
  for (const r of keys.rows) schema.get(r.table_name)?.primaryKey.push(r.column_name);
  return schema;
}

/** Loads CSV text (with a header) into a table with COPY. */
export async function copyCsv(db: PGlite, table: string, csv: string): Promise<void> {
  const header = csv.slice(0, csv.indexOf('\n'));
  await db.query(`copy ${table} (${header}) from '/dev/blob' with (format csv, header true)`, [], { blob: new Blob([csv]) });
}

/** Loads a local data folder (prices and universe, Parquet or CSV) read with DuckDB. */
export async function loadDataFolder(db: PGlite, dir: string, where: { from?: string; to?: string } = {}): Promise<{ prices: number; universe: number }> {
  const { openDuck } = await import('../../../src/source/local/duckdb.ts');
  const { dataLayout } = await import('../../../src/source/local/layout.ts');
  const layout = dataLayout(dir);
  const duck = await openDuck();
  try {
    const filters = [where.from && `date >= DATE '${where.from}'`, where.to && `date <= DATE '${where.to}'`].filter(Boolean);
    const csvOf = async (sql: string, header: string) => {
      const reader = await duck.connection.runAndReadAll(sql);
      const rows = reader.getRows();
      const lines = rows.map((r) => r.map((v) => (v === null ? '' : typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v))).join(','));
      return { csv: `${header}\n${lines.join('\n')}\n`, count: rows.length };
    };
    const prices = await csvOf(
      `SELECT symbol, strftime(date, '%Y-%m-%d') AS date, open, high, low, close, volume FROM ${layout.prices}${filters.length ? ` WHERE ${filters.join(' AND ')}` : ''}`,
      'symbol,date,open,high,low,close,volume',
    );
    const universe = await csvOf(`SELECT season, symbol, peer_group, name FROM ${layout.universe}`, 'season,symbol,peer_group,name');
    await copyCsv(db, 'prices', prices.csv);
    await copyCsv(db, 'universe', universe.csv);
    return { prices: prices.count, universe: universe.count };
  } finally {
    duck.close();
  }
}
