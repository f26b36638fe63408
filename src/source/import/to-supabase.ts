import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SupabaseRest } from '../../supabase/index.ts';
import type { RowOf } from '../../supabase/schema.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, Journal, upsertBatches } from '../../upload/index.ts';
import { keyRangeCheck, verifiedUpload } from '../../upload/verify.ts';
import { isoDate } from '../../util/dates.ts';
import { readImportFiles, type ImportedPrice, type ImportOptions, type ImportReport } from './index.ts';
import { deriveUniverse } from './parse-universe.ts';

/**
 * `backtest import FILES --to supabase`: the same parsing and validation as a folder import,
 * then the rows go to the project's universe and prices tables in batched idempotent upserts
 * (a row of the same key is replaced, as with --append). A journal under
 * `.backtest-import/<hash of the files and options>/` in the working directory makes an interrupted import
 * resume where it stopped (the journal records the project and tables: one written for another
 * project is set aside, and one whose rows the project no longer holds is discarded: see
 * upload/verify.ts); it is removed when the import completes and the project's counts show every row. Derived universe rows
 * (no --universe) never overwrite rows already in the project.
 */
export interface SupabaseImportReport extends Omit<ImportReport, 'dir'> {
  readonly requests: number;
  readonly seconds: number;
}

export async function importToSupabase(
  rest: SupabaseRest,
  options: Omit<ImportOptions, 'dir' | 'append'> & { batchSize?: number | undefined; progress?: ((done: number, total: number | null) => void) & { stop(): void }; cwd?: string; notice?: (line: string) => void },
): Promise<SupabaseImportReport> {
  const t0 = performance.now();
  const requestsBefore = rest.counters.requests;
  const { prices, universe, rejected } = await readImportFiles(options);
  const universeRows = universe ?? deriveUniverse(prices);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const id = importId(options, batchSize);
  const dir = join(resolve(options.cwd ?? process.cwd()), '.backtest-import', id);
  mkdirSync(dir, { recursive: true });
  const journal = Journal.open(dir, { id, host: rest.host, tables: { universe: rest.tables.universe, prices: rest.tables.prices }, batchSize }, options.notice);
  const total = universeRows.length + prices.length;
  let done = 0;
  const common = { batchSize: journal.batchSize, concurrency: DEFAULT_UPLOAD_CONCURRENCY, journal, onRows: (n: number) => options.progress?.((done += n), total) };
  const universeTable = universeRows.map((u): RowOf<'universe'> => ({ season: u.season, symbol: u.symbol, peer_group: u.peer_group, name: u.name }));
  try {
    // The journal is believed only once the project's counts bear it out (upload/verify.ts).
    const check = keyRangeCheck(rest, journal, [
      { key: 'universe', table: rest.tables.universe, by: 'season', group: 'symbol', rows: () => universeTable },
      { key: 'prices', table: rest.tables.prices, group: 'symbol', range: 'date', rows: () => priceRows(prices) },
    ]);
    await verifiedUpload({ journal, check, what: 'the import', notice: options.notice, upload: async () => {
      done = 0;
      await upsertBatches(rest, { table: rest.tables.universe, key: 'universe', file: options.universe ?? 'universe (derived)', primaryKey: ['season', 'symbol'], rows: universeTable, keepExisting: !universe }, common);
      await upsertBatches(rest, { table: rest.tables.prices, key: 'prices', file: 'prices', primaryKey: ['symbol', 'date'], rows: priceRows(prices) }, common);
    } });
  } finally {
    options.progress?.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  const lo = prices.reduce((m, p) => Math.min(m, p.day), Infinity);
  const hi = prices.reduce((m, p) => Math.max(m, p.day), -Infinity);
  return {
    rows: prices.length,
    symbols: new Set(prices.map((p) => p.symbol)).size,
    from: isoDate(lo),
    to: isoDate(hi),
    universeRows: universeRows.length,
    seasons: [...new Set(universeRows.map((u) => u.season))].sort((a, b) => a - b),
    rejected,
    requests: rest.counters.requests - requestsBefore,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

/** The rows of the prices table, made as batches need them (the parsed prices are the one copy held). */
function* priceRows(prices: readonly ImportedPrice[]): Generator<RowOf<'prices'>> {
  for (const p of prices) yield { symbol: p.symbol, date: isoDate(p.day), open: p.open, high: p.high, low: p.low, close: p.close, volume: p.volume };
}

/**
 * The journal's id: a hash of everything that decides the rows and their batches — the files
 * (path, size, time), the universe file, --symbol, --adjust and the batch size — so an import
 * resumed with other options starts afresh instead of mixing rows made two ways.
 */
function importId(options: Omit<ImportOptions, 'dir' | 'append'>, batchSize: number): string {
  const hash = createHash('sha256');
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
