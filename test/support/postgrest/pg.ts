import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from './database.ts';

/**
 * A real PostgreSQL behind `Database`, through node-postgres (`pg`):
 * 1. a pool of connections (default 16, twice the client's 8 sockets), so that calls the server
 *    receives side by side run side by side, each in a backend of its own, as on Supabase;
 * 2. values parsed as PGlite parses them (its parsers for the types it knows: int8 a number or a
 *    bigint, float8 with parseFloat of Postgres' shortest-exact text, json parsed, dates as Date),
 *    `bytea` a Buffer (node-postgres' own), arrays by node-postgres;
 * 3. a call with a statement timeout runs in a transaction of its own with
 *    `set local statement_timeout`: Postgres cancels it at that time (57014, as on Supabase);
 * 4. `exec` runs its statements in one session (the simple query protocol, one round trip);
 * 5. `copyCsv`: COPY from a file on the server's side (the cluster's own folder, `stageDir`, which
 *    the server process can read): the same COPY … (format csv, header true) PGlite runs on a blob.
 */
export interface PostgresOptions {
  /** A unix socket folder or a host name. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Connections in the pool. */
  readonly connections?: number;
  /** A folder the Postgres server can read, for `copyCsv` (files are written there and removed). */
  readonly stageDir?: string;
}

const PGLITE_PARSED = [16, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1114, 1184, 3802];

const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if ((format ?? 'text') === 'text' && PGLITE_PARSED.includes(oid)) {
      const parse = pgliteTypes.parsers[oid]! as (text: string, oid: number) => unknown;
      return (text: string) => parse(text, oid);
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

export class PostgresDatabase implements Database {
  readonly kind = 'postgres';
  readonly cancels = true;
  readonly version: string;
  readonly pool: pg.Pool;
  private readonly stageDir: string | undefined;

  private constructor(pool: pg.Pool, version: string, stageDir: string | undefined) {
    this.pool = pool;
    this.version = version;
    this.stageDir = stageDir;
  }

  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      host: options.host, port: options.port, user: options.user, database: options.database,
      max: options.connections ?? 16, types: TYPES, idleTimeoutMillis: 30_000, allowExitOnIdle: true,
    });
    // A backend that goes away while idle (the cluster stopped) is an event, not a crash.
    pool.on('error', () => {});
    const { rows } = await pool.query<{ v: string }>(`select current_setting('server_version') as v`);
    return new PostgresDatabase(pool, `postgres ${rows[0]!.v.split(' ')[0]}`, options.stageDir);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], options: { statementTimeoutMs?: number } = {}): Promise<{ rows: T[] }> {
    const values = params.map((p) => (p === undefined ? null : p));
    if (options.statementTimeoutMs === undefined) return { rows: (await this.pool.query(sql, values)).rows as T[] };
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(`begin; set local statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`);
      const { rows } = await client.query(sql, values);
      await client.query('commit');
      return { rows: rows as T[] };
    } catch (err) {
      await client.query('rollback').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async copyCsv(table: string, csv: string): Promise<void> {
    if (!this.stageDir) throw new Error('copyCsv on real Postgres needs a folder the server can read (stageDir)');
    const header = csv.slice(0, csv.indexOf('\n'));
    const file = join(this.stageDir, `copy-${randomBytes(6).toString('hex')}.csv`);
    writeFileSync(file, csv);
    chmodSync(file, 0o644);
    try {
      await this.pool.query(`copy ${table} (${header}) from '${file.replaceAll("'", "''")}' with (format csv, header true)`);
    } finally {
      rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
