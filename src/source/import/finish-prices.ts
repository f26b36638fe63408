import { sqlString, type Duck } from '../local/duckdb.ts';
import type { ImportProgress } from './progress.ts';
import { runWithProgress } from './progress.ts';
import type { StagedFile } from './stage.ts';
import { moveFile, STORE_PARQUET } from './write-store.ts';

/**
 * From the files read (stage.ts) to the store's prices: the rows no check refused, one per
 * (symbol, date), in (symbol, date) order.
 *
 * 1. `staged` is a view over every file read, in file order, each row numbered by its file (`fi`,
 *    the file's place on the command line) and record (`rec`), `refused` when its close is NULL.
 * 2. One pass in file order (a streaming window) counts the accepted rows and the places where
 *    (symbol, date) does not rise. None (the usual case: a file written by symbol, then date, or
 *    one file per symbol given in order): the rows are written as they stand, in one streaming
 *    copy — no sort, and no duplicate can exist. One file with nothing refused is already the
 *    store's file: it is moved, not copied.
 * 3. Otherwise they are sorted; when the sorted file shows a repeated (symbol, date), they are
 *    sorted again keeping the first of each in file order (as before: the first wins, the others
 *    are refused as duplicates).
 * 4. When some were dropped, the duplicates and where their first copy was are kept in the temp
 *    table `duplicates` for the rejections.
 */
export interface PriceWrite {
  /** Accepted rows in the files. */
  readonly valid: number;
  /** Rows written (valid − duplicates). */
  readonly written: number;
  /** The rows were already in (symbol, date) order. */
  readonly inOrder: boolean;
}

/** The view `staged` over the stage files (see above). */
export async function createStagedView(duck: Duck, staged: readonly StagedFile[]): Promise<boolean> {
  const files = staged.flatMap((s, k) => (s.stage ? [[s.stage, k] as const] : []));
  if (files.length === 0) return false;
  const paths = `[${files.map(([p]) => sqlString(p)).join(', ')}]`;
  const index = `[${files.map(([, k]) => k).join(', ')}]`;
  await duck.connection.run(`CREATE OR REPLACE TEMP VIEW staged AS
    SELECT ${index}[file_index::BIGINT + 1]::INTEGER AS fi, file_row_number::INTEGER AS rec, * EXCLUDE (file_row_number), close IS NULL AS refused
    FROM read_parquet(${paths}, file_row_number = true)`);
  return true;
}

/** Accepted rows of `staged`, and whether (symbol, date) rises strictly through them in file order. */
export async function orderCheck(duck: Duck): Promise<{ valid: number; inOrder: boolean }> {
  const { rows, breaks } = await orderCheckOf(duck, '(SELECT symbol, date FROM staged WHERE NOT refused)');
  return { valid: rows, inOrder: breaks === 0 };
}

/** Rows of a table, and the rows whose (symbol, date) is not above the previous row's, in the table's order. */
async function orderCheckOf(duck: Duck, table: string): Promise<{ rows: number; breaks: number }> {
  const [check] = (await duck.connection.runAndReadAll(`SELECT count(*)::DOUBLE AS rows,
      count(*) FILTER (WHERE pd IS NOT NULL AND (symbol, date) <= (ps, pd))::DOUBLE AS breaks
    FROM (SELECT symbol, date, lag(symbol) OVER () AS ps, lag(date) OVER () AS pd FROM ${table})`)).getRowObjectsJS() as [{ rows: number; breaks: number }];
  return check;
}

/** Writes the accepted rows of `staged`, deduplicated and sorted, to `out`. */
export async function writeNewPrices(duck: Duck, staged: readonly StagedFile[], out: string, order: { valid: number; inOrder: boolean }, bytes: number, progress?: ImportProgress): Promise<PriceWrite> {
  const { valid, inOrder } = order;
  const stages = staged.flatMap((s) => (s.stage ? [s] : []));
  if (inOrder && stages.length === 1 && stages[0]!.refused === 0) {
    // The file read is the store's file itself: nothing refused, in order.
    moveFile(stages[0]!.stage!, out);
    return { valid, written: valid, inOrder };
  }
  const columns = 'symbol, date, open, high, low, close, volume';
  const copy = (select: string, label: string) => runWithProgress(duck, `COPY (${select}) TO ${sqlString(out)} (${STORE_PARQUET})`, label, bytes, progress);
  if (inOrder) {
    await copy(`SELECT ${columns} FROM staged WHERE NOT refused`, 'writing prices.parquet');
  } else {
    // A sort alone; only when it shows a repeated (symbol, date) is the first of each picked (a window, dearer).
    await copy(`SELECT ${columns} FROM staged WHERE NOT refused ORDER BY symbol, date`, 'sorting into prices.parquet');
    if ((await orderCheckOf(duck, `read_parquet(${sqlString(out)})`)).breaks > 0) {
      await copy(`SELECT ${columns} FROM staged WHERE NOT refused
        QUALIFY row_number() OVER (PARTITION BY symbol, date ORDER BY fi, rec) = 1 ORDER BY symbol, date`, 'keeping the first of repeated rows');
    }
  }
  const [{ n }] = (await duck.connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlString(out)})`)).getRowObjectsJS() as [{ n: bigint }];
  const written = Number(n);
  if (written < valid) {
    await duck.connection.run(`CREATE OR REPLACE TEMP TABLE duplicates AS
      SELECT fi, rec, symbol, date, first_fi, first_rec FROM (
        SELECT fi, rec, symbol, date, first_value(fi) OVER w AS first_fi, first_value(rec) OVER w AS first_rec
        FROM staged SEMI JOIN (SELECT symbol, date FROM staged WHERE NOT refused GROUP BY ALL HAVING count(*) > 1) USING (symbol, date)
        WHERE NOT refused
        WINDOW w AS (PARTITION BY symbol, date ORDER BY fi, rec))
      WHERE (fi, rec) <> (first_fi, first_rec)`);
  }
  return { valid, written, inOrder };
}

/**
 * `--append`: the new rows (`fresh`, a Parquet file of written rows) replace the folder's rows of
 * the same (symbol, date); the folder's other rows stay. Returns the rows written.
 */
export async function mergePrices(duck: Duck, fresh: string, existing: string, out: string): Promise<number> {
  const columns = 'symbol, date, open, high, low, close, volume';
  await duck.connection.run(`COPY (
      SELECT ${columns} FROM read_parquet(${sqlString(fresh)})
      UNION ALL
      SELECT ${columns} FROM ${existing} e ANTI JOIN read_parquet(${sqlString(fresh)}) n USING (symbol, date)
      ORDER BY symbol, date) TO ${sqlString(out)} (${STORE_PARQUET})`);
  const [{ n }] = (await duck.connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlString(out)})`)).getRowObjectsJS() as [{ n: bigint }];
  return Number(n);
}
