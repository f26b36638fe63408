import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** The repository's migrations, applied in file-name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../supabase/migrations/', import.meta.url));

/** The migrations' SQL, in file-name order. */
export function migrations(): string[] {
  return readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(MIGRATIONS_DIR, f), 'utf8'));
}

/** A table's columns (in order) and primary key, as PostgREST's schema cache knows them. */
export interface TableInfo {
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
}

/**
 * What the server needs of a database, on PGlite (Postgres in WebAssembly, one query at a time)
 * or on a real PostgreSQL through node-postgres (pg.ts: a pool, queries side by side). Both give
 * values the same JavaScript types: PGlite's parsers (int8 a number, or a bigint past 2^53;
 * float8 a number; json parsed; date and timestamps as Date), text arrays as arrays, and `bytea`
 * as a Buffer.
 */
export interface Database {
  /** `pglite` or `postgres`, and the server's version (`postgres 15.8`). */
  readonly kind: 'pglite' | 'postgres';
  readonly version: string;
  /**
   * True when the database itself cancels a statement past `statementTimeoutMs` (real Postgres:
   * `statement_timeout`, SQLSTATE 57014); PGlite cannot, and the server judges the time after.
   */
  readonly cancels: boolean;
  /** One statement with `$n` parameters (sent as text). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: { statementTimeoutMs?: number }): Promise<{ rows: T[] }>;
  /** Statements without parameters, `;`-separated, in one session. */
  exec(sql: string): Promise<void>;
  /** CSV text (with a header naming the columns) into a table, with COPY … (format csv, header true). */
  copyCsv(table: string, csv: string): Promise<void>;
  close(): Promise<void>;
}

/** bytea as a Buffer (PGlite's own parser gives a Uint8Array), as node-postgres does. */
const PGLITE_PARSERS = { 17: (hex: string) => Buffer.from(hex.slice(2), 'hex') };

/** PGlite behind `Database`: the behaviour every test had before there was an interface. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  readonly cancels = false;
  readonly version: string;
  readonly pglite: PGlite;
  private constructor(pglite: PGlite, version: string) {
    this.pglite = pglite;
    this.version = version;
  }
  static async of(pglite: PGlite): Promise<PgliteDatabase> {
    const { rows } = await pglite.query<{ v: string }>(`select current_setting('server_version') as v`);
    return new PgliteDatabase(pglite, `pglite (postgres ${rows[0]!.v})`);
  }
  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<{ rows: T[] }> {
    return this.pglite.query<T>(sql, [...params], { parsers: PGLITE_PARSERS });
  }
  async exec(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }
  async copyCsv(table: string, csv: string): Promise<void> {
    const header = csv.slice(0, csv.indexOf('\n'));
    await this.pglite.query(`copy ${table} (${header}) from '/dev/blob' with (format csv, header true)`, [], { blob: new Blob([csv]) });
  }
  close(): Promise<void> {
    return this.pglite.close();
  }
}

/** A `Database` of a PGlite (wrapped) or of a `Database` (as is). */
export async function asDatabase(db: PGlite | Database): Promise<Database> {
  return db instanceof PGlite ? PgliteDatabase.of(db) : db;
}

/** Real Postgres (PGlite, in memory) with our migrations applied. */
export async function openDatabase(options: { migrations?: boolean } = {}): Promise<PGlite> {
  const db = await PGlite.create();
  if (options.migrations ?? true) {
    for (const sql of migrations()) await db.exec(sql);
  }
  return db;
}

/** The schema cache: every table of `public` with its columns and primary key. */
export async function readSchema(db: Database): Promise<Map<string, TableInfo>> {
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
export async function copyCsv(db: PGlite | Database, table: string, csv: string): Promise<void> {
  await (await asDatabase(db)).copyCsv(table, csv);
}

/** Loads a local data folder (prices and universe, Parquet or CSV) read with DuckDB. */
export async function loadDataFolder(db: PGlite | Database, dir: string, where: { from?: string; to?: string } = {}): Promise<{ prices: number; universe: number }> {
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
