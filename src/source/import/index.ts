import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { isoDate } from '../../util/dates.ts';
import { openDuck, sqlString, type Duck } from '../local/duckdb.ts';
import { dataLayout } from '../local/layout.ts';
import { createStagedView, mergePrices, orderCheck, writeNewPrices } from './finish-prices.ts';
import { trackProgress, type ImportProgress } from './progress.ts';
import { RejectionSink, streamRejections, type Rejection } from './rejections.ts';
import { checkInputFiles, openPriceFiles, stagePriceFiles } from './stage.ts';
import { openUniverseFile, stageUniverse, universeRejections, universeRowsSql, writeUniverse } from './universe.ts';

export type { Rejection } from './rejections.ts';
export type { ImportProgress } from './progress.ts';

/**
 * `backtest import`: users' CSV files into a data folder (prices.parquet, universe.parquet),
 * read by DuckDB's CSV reader and checked in SQL, never as JavaScript rows.
 *
 * 1. Headers first: each price file's format and the universe file's columns (bad input stops
 *    here, before anything is read).
 * 2. Each price file is read into Parquet in the store's columns, every record typed and checked,
 *    a refused one marked (stage.ts, stage-prices.ts); the universe file into a stage with its
 *    reasons (universe.ts).
 * 3. Nothing accepted: bad input, nothing written.
 * 4. The accepted prices go to prices.parquet, one row per (symbol, date), in that order
 *    (finish-prices.ts): one file in order with nothing refused is moved there as it is; with
 *    --append, merged with the folder's rows (new ones win).
 * 5. universe.parquet: the universe file's rows, or one per symbol and year of prices.
 * 6. The refused rows, with file, line and reason, go to rejected.csv (rejections.ts).
 * Every file is written under a temporary name and renamed at the end.
 */
export interface ImportOptions {
  readonly files: readonly string[];
  readonly dir: string;
  readonly universe?: string | undefined;
  readonly symbol?: string | undefined;
  readonly append?: boolean;
  readonly adjust?: boolean;
  readonly progress?: ImportProgress | undefined;
}

export interface StoreCounts {
  readonly rows: number;
  readonly symbols: number;
}

export interface ImportReport {
  readonly dir: string;
  readonly rows: number;
  readonly symbols: number;
  readonly from: string;
  readonly to: string;
  readonly universeRows: number;
  readonly seasons: readonly number[];
  /** The first REJECTIONS_KEPT refused rows (all are in rejected.csv). */
  readonly rejected: readonly Rejection[];
  readonly rejectedCount: number;
  /** What the folder held before (when it held prices). */
  readonly before?: StoreCounts | undefined;
  /** With --append into a folder with prices: rows added, and rows of the same (symbol, date) replaced. */
  readonly appended?: { readonly added: number; readonly replaced: number } | undefined;
}

/** DuckDB's memory for an import; beyond it, sorts and stages spill to the temp folder. */
export const IMPORT_MEMORY_LIMIT = '1GB';

/** Runs `fn` with a DuckDB set up for an import and a temp folder, both gone afterwards. */
export async function withImportDuck<T>(fn: (duck: Duck, work: string) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), 'vopa-import-'));
  let duck: Duck | undefined;
  try {
    duck = await openDuck({ fileErrors: false });
    await duck.connection.run(`SET memory_limit = '${IMPORT_MEMORY_LIMIT}'`);
    await duck.connection.run(`SET temp_directory = ${sqlString(join(work, 'spill'))}`);
    await duck.connection.run(`SET preserve_insertion_order = true`); // the stages' record numbers depend on it
    await trackProgress(duck);
    return await fn(duck, work);
  } finally {
    duck?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** `--data DIR` must be a folder, or not exist yet. */
export function checkDataDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`import: --data ${dir} is a file, not a folder`, 'E_BAD_IMPORT');
  }
}

export async function importToFolder(options: ImportOptions): Promise<ImportReport> {
  const dir = resolve(options.dir);
  checkDataDir(dir);
  checkInputFiles([...options.files, ...(options.universe ? [options.universe] : [])]);
  return withImportDuck((duck, work) => buildStore(duck, work, dir, options));
}

/**
 * Steps 1–6 above, writing into `dir` (created only once the input is known good). Also used by
 * the Supabase import, with a temp folder as `dir`.
 */
export async function buildStore(duck: Duck, work: string, dir: string, options: Omit<ImportOptions, 'dir'> & { rejectedFile?: boolean }): Promise<ImportReport> {
  const adjust = options.adjust ?? true;
  const universeFile = options.universe ? await openUniverseFile(options.universe) : undefined;
  const opened = await openPriceFiles(options.files, options.symbol);
  const universeStage = universeFile ? await stageUniverse(duck, universeFile, work) : undefined;
  const staged = await stagePriceFiles(duck, opened, { adjust }, work, options.progress);
  const hasPrices = await createStagedView(duck, staged);
  const order = hasPrices ? await orderCheck(duck) : { valid: 0, inOrder: true };
  const empty = staged.flatMap((s, k) => (s.stage ? [] : [k]));
  const allFiles = [...staged.map((s) => s.csv), ...(universeFile ? [universeFile.csv] : [])];

  if (order.valid === 0) {
    const sink = new RejectionSink();
    await streamRejections(duck, { files: allFiles, prices: hasPrices ? { staged, adjust } : undefined, duplicates: false, universe: false, empty }, sink.add);
    const first = sink.kept[0];
    throw new UsageError(
      `import: no valid row in ${options.files.join(', ')}${first ? ` (${sink.count} rejected; first: ${first.file}:${first.line}: ${first.reason})` : ''}`,
      'E_NO_VALID_ROWS',
    );
  }

  const existing = options.append ? safeLayout(dir) : undefined;
  const before = existsSync(dir) ? await storeCounts(duck, safeLayout(dir)?.prices) : undefined;
  mkdirSync(dir, { recursive: true });
  const partial = (name: string) => join(dir, `.${name}.partial`);
  const outputs = ['prices.parquet', 'universe.parquet', 'rejected.csv'];
  try {
    const bytes = staged.reduce((s, f) => s + statSync(f.csv.path).size, 0);
    const fresh = existing ? join(work, 'new-prices.parquet') : partial('prices.parquet');
    const write = await writeNewPrices(duck, staged, fresh, order, bytes, options.progress);
    const total = existing ? await mergePrices(duck, fresh, existing.prices, partial('prices.parquet')) : write.written;

    if (universeStage) await universeRejections(duck, universeStage, staged.length);
    const existingUniverse = existing ? await universeOf(duck, existing.universeFile) : undefined;
    const dates = (universeFile ? universeFile.columns.start >= 0 || universeFile.columns.end >= 0 : false) || (existingUniverse?.dates ?? false);
    const rows = universeRowsSql(universeStage ? { stage: universeStage } : { prices: fresh }, dates);
    await writeUniverse(duck, rows, partial('universe.parquet'), { existing: existingUniverse?.select(dates), given: !!universeStage, dates });

    const sink = new RejectionSink(options.rejectedFile === false ? undefined : partial('rejected.csv'));
    try {
      await streamRejections(duck, { files: allFiles, prices: { staged, adjust }, duplicates: write.written < write.valid, universe: !!universeStage, empty }, sink.add);
    } finally {
      sink.close();
    }
    const stats = await finalCounts(duck, partial('prices.parquet'), partial('universe.parquet'));
    renameSync(partial('prices.parquet'), join(dir, 'prices.parquet'));
    renameSync(partial('universe.parquet'), join(dir, 'universe.parquet'));
    rmSync(join(dir, 'rejected.csv'), { force: true });
    if (sink.count > 0 && existsSync(partial('rejected.csv'))) renameSync(partial('rejected.csv'), join(dir, 'rejected.csv'));
    const appended = existing && before ? { added: total - before.rows, replaced: write.written - (total - before.rows) } : undefined;
    return { dir, ...stats, rejected: sink.kept, rejectedCount: sink.count, before, appended };
  } finally {
    for (const name of outputs) rmSync(partial(name), { force: true });
  }
}

function safeLayout(dir: string) {
  try {
    return dataLayout(dir);
  } catch {
    return undefined; // nothing there yet
  }
}

async function storeCounts(duck: Duck, prices: string | undefined): Promise<StoreCounts | undefined> {
  if (!prices) return undefined;
  try {
    const [r] = (await duck.connection.runAndReadAll(`SELECT count(*)::DOUBLE AS rows, count(DISTINCT symbol)::DOUBLE AS symbols FROM ${prices}`)).getRowObjectsJS() as [{ rows: number; symbols: number }];
    return { rows: r.rows, symbols: r.symbols };
  } catch {
    return undefined; // unreadable: it is replaced, and there is nothing to count
  }
}

/** The folder's universe file as a SELECT of the store's columns (start and end dates as NULL when it has none). */
async function universeOf(duck: Duck, file: string): Promise<{ dates: boolean; select: (dates: boolean) => string }> {
  const table = file.endsWith('.parquet') ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)}, header = true)`;
  const columns = (await duck.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${table}`)).getRows().map((r) => String(r[0]));
  const has = columns.includes('start_date') && columns.includes('end_date');
  return {
    dates: has,
    select: (dates) => `(SELECT season::INTEGER AS season, symbol::VARCHAR AS symbol, peer_group::VARCHAR AS peer_group, name::VARCHAR AS name${
      dates ? (has ? ', start_date::DATE AS start_date, end_date::DATE AS end_date' : ', NULL::DATE AS start_date, NULL::DATE AS end_date') : ''} FROM ${table})`,
  };
}

async function finalCounts(duck: Duck, prices: string, universe: string) {
  const [p] = (await duck.connection.runAndReadAll(`SELECT count(*)::DOUBLE AS rows, count(DISTINCT symbol)::DOUBLE AS symbols,
      min(date - DATE '1970-01-01')::INTEGER AS lo, max(date - DATE '1970-01-01')::INTEGER AS hi FROM read_parquet(${sqlString(prices)})`)).getRowObjectsJS() as [{ rows: number; symbols: number; lo: number; hi: number }];
  const u = (await duck.connection.runAndReadAll(`SELECT season, count(*)::DOUBLE AS n FROM read_parquet(${sqlString(universe)}) GROUP BY season ORDER BY season`)).getRowObjectsJS() as { season: number; n: number }[];
  return {
    rows: p.rows,
    symbols: p.symbols,
    from: isoDate(p.lo),
    to: isoDate(p.hi),
    universeRows: u.reduce((s, r) => s + r.n, 0),
    seasons: u.map((r) => Number(r.season)),
  };
}
