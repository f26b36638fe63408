import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { isoDate } from '../../util/dates.ts';
import { writeCsvFile } from '../../writers/csv.ts';
import { openDuck } from '../local/duckdb.ts';
import { dataLayout } from '../local/layout.ts';
import { parsePriceFiles, type ImportedPrice, type Rejection } from './parse-prices.ts';
import { deriveUniverse, parseUniverseFile, type UniverseRow } from './parse-universe.ts';
import { appendPrices, appendUniverse, createTables, writeParquetStore } from './write-store.ts';

export type { ImportedPrice } from './parse-prices.ts';

export interface ImportOptions {
  readonly files: readonly string[];
  readonly dir: string;
  readonly universe?: string | undefined;
  readonly symbol?: string | undefined;
  readonly append?: boolean;
  readonly adjust?: boolean;
}

export interface ImportReport {
  readonly dir: string;
  readonly rows: number;
  readonly symbols: number;
  readonly from: string;
  readonly to: string;
  readonly universeRows: number;
  readonly seasons: readonly number[];
  readonly rejected: readonly Rejection[];
}

/** Reads and validates users' files: the price rows, the universe rows, and what was refused. */
export async function readImportFiles(options: Omit<ImportOptions, 'dir' | 'append'>): Promise<{ prices: ImportedPrice[]; universe: UniverseRow[] | undefined; rejected: Rejection[] }> {
  for (const f of [...options.files, ...(options.universe ? [options.universe] : [])]) {
    if (!existsSync(f)) throw new UsageError(`import: no such file ${f}`, 'E_BAD_IMPORT');
  }
  const { rows, rejected } = await parsePriceFiles(options.files, { symbol: options.symbol, adjust: options.adjust ?? true });
  if (rows.length === 0) {
    const first = rejected[0];
    throw new UsageError(
      `import: no valid row in ${options.files.join(', ')}${first ? ` (${rejected.length} rejected; first: ${first.file}:${first.line}: ${first.reason})` : ''}`,
      'E_NO_VALID_ROWS',
    );
  }
  let universe: UniverseRow[] | undefined;
  if (options.universe) {
    const parsed = await parseUniverseFile(options.universe);
    rejected.push(...parsed.rejected);
    universe = parsed.rows;
  }
  return { prices: rows, universe, rejected };
}

/**
 * `backtest import`: users' CSV files into a data folder (prices.parquet, universe.parquet).
 * Without `append` the folder's store is replaced; with it, new rows replace existing rows of
 * the same (symbol, date) and existing universe rows are kept.
 */
export async function importToFolder(options: ImportOptions): Promise<ImportReport> {
  const dir = resolve(options.dir);
  const { prices, universe, rejected } = await readImportFiles(options);
  mkdirSync(dir, { recursive: true });
  const duck = await openDuck();
  try {
    await createTables(duck);
    await appendPrices(duck, prices);
    const existing = options.append && existsSync(dir) ? safeLayout(dir) : undefined;
    if (existing) {
      await duck.connection.run(`INSERT INTO prices SELECT e.symbol, (e.date - DATE '1970-01-01')::INTEGER, e.open, e.high, e.low, e.close, e.volume
        FROM ${existing.prices} e WHERE NOT EXISTS (SELECT 1 FROM prices p WHERE p.symbol = e.symbol AND p.day = (e.date - DATE '1970-01-01'))`);
    }
    // A given universe wins over the folder's; derived rows only fill (season, symbol) pairs not yet there.
    const keepExisting = async () => {
      if (!existing) return;
      await duck.connection.run(`INSERT INTO universe SELECT e.season, e.symbol, e.peer_group, e.name FROM ${existing.universe} e
        WHERE NOT EXISTS (SELECT 1 FROM universe u WHERE u.season = e.season AND u.symbol = e.symbol)`);
    };
    if (universe) {
      await appendUniverse(duck, universe);
      await keepExisting();
    } else {
      await keepExisting();
      const present = new Set((await duck.connection.runAndReadAll('SELECT season, symbol FROM universe')).getRowObjectsJS().map((r) => `${r.season}|${r.symbol}`));
      await appendUniverse(duck, deriveUniverse(prices).filter((r) => !present.has(`${r.season}|${r.symbol}`)));
    }
    await writeParquetStore(duck, dir);
    const stats = (await duck.connection.runAndReadAll(`SELECT count(*)::INTEGER AS rows, count(DISTINCT symbol)::INTEGER AS symbols, min(day) AS lo, max(day) AS hi FROM prices`)).getRowObjectsJS()[0] as Record<string, number>;
    const seasons = (await duck.connection.runAndReadAll(`SELECT DISTINCT season FROM universe ORDER BY season`)).getRowObjectsJS().map((r) => Number(r.season));
    const universeRows = Number((await duck.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM universe`)).getRowObjectsJS()[0]!.n);
    const rejectsFile = join(dir, 'rejected.csv');
    rmSync(rejectsFile, { force: true });
    if (rejected.length) writeCsvFile(rejectsFile, ['file', 'line', 'reason'], rejected.map((r) => [r.file, r.line, r.reason]));
    return { dir, rows: stats.rows!, symbols: stats.symbols!, from: isoDate(stats.lo!), to: isoDate(stats.hi!), universeRows, seasons, rejected };
  } finally {
    duck.close();
  }
}

function safeLayout(dir: string) {
  try {
    return dataLayout(dir);
  } catch {
    return undefined; // nothing there yet
  }
}
