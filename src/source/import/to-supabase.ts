import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SupabaseRest } from '../../supabase/index.ts';
import type { RowOf } from '../../supabase/schema.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, Journal, upsertBatches } from '../../upload/index.ts';
import { keyRangeCheck, verifiedUpload } from '../../upload/verify.ts';
import { sqlString, type Duck } from '../local/duckdb.ts';
import { buildStore, withImportDuck, type ImportOptions, type ImportProgress, type ImportReport } from './index.ts';
import { checkInputFiles } from './stage.ts';

/**
 * `backtest import FILES --to supabase`: the same reading and checks as a folder import (into a
 * temp folder), then the rows go to the project's universe and prices tables in batched
 * idempotent upserts (a row of the same key is replaced, as with --append), streamed out of
 * DuckDB a chunk at a time — only the batches in flight are ever held in JavaScript. Prices go
 * in (symbol, date) order, so batch k is always the same rows. A journal under
 * `.backtest-import/<hash of the files and options>/` in the working directory makes an
 * interrupted import resume where it stopped (the journal records the project and tables: one
 * written for another project is set aside, and one whose rows the project no longer holds is
 * discarded: see upload/verify.ts); it is removed when the import completes and the project's
 * counts show every row. Derived
 * universe rows (no --universe) never overwrite rows already in the project.
 */
export interface SupabaseImportReport extends Omit<ImportReport, 'dir' | 'before' | 'appended'> {
  readonly requests: number;
  readonly seconds: number;
}

export async function importToSupabase(
  rest: SupabaseRest,
  options: Omit<ImportOptions, 'dir' | 'append' | 'progress'> & {
    batchSize?: number | undefined;
    /** The upload's progress (rows sent of all rows). */
    progress?: ((done: number, total: number | null) => void) & { stop(): void };
    /** Reading the files' progress (ImportOptions.progress). */
    readProgress?: ImportProgress | undefined;
    cwd?: string;
    notice?: (line: string) => void;
  },
): Promise<SupabaseImportReport> {
  const t0 = performance.now();
  const requestsBefore = rest.counters.requests;
  checkInputFiles([...options.files, ...(options.universe ? [options.universe] : [])]);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  return withImportDuck(async (duck, work) => {
    const store = join(work, 'store');
    const { progress } = options;
    const report = await buildStore(duck, work, store, { files: options.files, universe: options.universe, symbol: options.symbol, adjust: options.adjust, progress: options.readProgress, rejectedFile: false });
    const id = importId(options, batchSize);
    const dir = join(resolve(options.cwd ?? process.cwd()), '.backtest-import', id);
    mkdirSync(dir, { recursive: true });
    const journal = Journal.open(dir, { id, host: rest.host, tables: { universe: rest.tables.universe, prices: rest.tables.prices }, batchSize }, options.notice);
    const total = report.universeRows + report.rows;
    let done = 0;
    const common = { batchSize: journal.batchSize, concurrency: DEFAULT_UPLOAD_CONCURRENCY, journal, onRows: (n: number) => progress?.((done += n), total) };
    const universe = sqlString(join(store, 'universe.parquet'));
    const columns = (await duck.connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${universe})`)).getRows().map((r) => String(r[0]));
    // Membership dates go too when the file has them (migration 20261127000000_universe_dates.sql adds the columns).
    const dates = columns.includes('start_date') ? `, strftime(start_date, '%Y-%m-%d') AS start_date, strftime(end_date, '%Y-%m-%d') AS end_date` : '';
    const prices = sqlString(join(store, 'prices.parquet'));
    const universeSql = `SELECT season, symbol, peer_group, name${dates} FROM read_parquet(${universe}) ORDER BY season, symbol`;
    const pricesSql = `SELECT symbol, strftime(date, '%Y-%m-%d') AS date, open, high, low, close, volume FROM read_parquet(${prices})`;
    try {
      // The journal is believed only once the project's counts bear it out (upload/verify.ts); the
      // counts' rows are streamed again from the store, in the upload's order.
      const check = keyRangeCheck(rest, journal, [
        { key: 'universe', table: rest.tables.universe, by: 'season', group: 'symbol', rows: () => streamRows<Record<string, unknown>>(duck, universeSql) },
        { key: 'prices', table: rest.tables.prices, group: 'symbol', range: 'date', rows: () => streamRows<Record<string, unknown>>(duck, pricesSql) },
      ]);
      await verifiedUpload({ journal, check, what: 'the import', notice: options.notice, upload: async () => {
        done = 0;
        await upsertBatches(rest, {
          table: rest.tables.universe, key: 'universe', file: options.universe ?? 'universe (derived)', primaryKey: ['season', 'symbol'],
          rows: streamRows<RowOf<'universe'>>(duck, universeSql), keepExisting: !options.universe,
        }, common);
        await upsertBatches(rest, { table: rest.tables.prices, key: 'prices', file: 'prices', primaryKey: ['symbol', 'date'], rows: streamRows<RowOf<'prices'>>(duck, pricesSql) }, common);
      } });
    } finally {
      progress?.stop();
    }
    rmSync(dir, { recursive: true, force: true });
    const { dir: _dir, before: _before, appended: _appended, ...counts } = report;
    return { ...counts, requests: rest.counters.requests - requestsBefore, seconds: Math.round(performance.now() - t0) / 1000 };
  });
}

/** A query's rows as objects, a chunk (2,048 rows) at a time. */
async function* streamRows<T>(duck: Duck, sql: string): AsyncGenerator<T> {
  const result = await duck.connection.stream(sql);
  for await (const rows of result.yieldRowObjectJs()) yield* rows as T[];
}

/**
 * The journal's id: a hash of everything that decides the rows and their batches — the files
 * (path, size, time), the universe file, --symbol, --adjust, the batch size and the order the
 * rows are sent in — so an import resumed with other options starts afresh instead of mixing
 * rows made two ways.
 */
function importId(options: Pick<ImportOptions, 'files' | 'universe' | 'symbol' | 'adjust'>, batchSize: number): string {
  const hash = createHash('sha256');
  hash.update('rows in (symbol, date) order, read by DuckDB\n');
  for (const f of options.files) {
    const s = statSync(f);
    hash.update(`price file\t${resolve(f)}\t${s.size}\t${s.mtimeMs}\n`);
  }
  if (options.universe) {
    const s = statSync(options.universe);
    hash.update(`universe file\t${resolve(options.universe)}\t${s.size}\t${s.mtimeMs}\n`);
  }
  hash.update(`symbol\t${options.symbol ?? '(from the file name)'}\nadjust\t${options.adjust ?? true}\nbatch size\t${batchSize}\n`);
  return hash.digest('hex').slice(0, 16);
}
