import { BacktestError } from '../errors.ts';
import type { SupabaseRest } from '../supabase/client.ts';
import { SupabaseHttpError } from '../supabase/errors.ts';
import type { Journal } from './journal.ts';
import type { Row } from './run-rows.ts';

/**
 * Batched idempotent upserts of one table:
 * 1. rows are cut into batches of `batchSize` as they arrive, in a fixed order, so batch k is
 *    always the same rows (a resumed upload skips the batches its journal confirmed); only the
 *    batches in flight and the one being filled are held, never the whole table;
 * 2. a batch must not repeat a primary key (Postgres refuses that with 21000) and all its
 *    objects have the same keys (PostgREST refuses mixed ones with PGRST102);
 * 3. each batch is one `POST … Prefer: resolution=merge-duplicates,return=minimal` through the
 *    run's client, so a retried batch overwrites itself and never duplicates;
 * 4. at most `concurrency` batches are in flight (a small number, never a burst); reading waits
 *    for a free slot; the first refusal stops new batches and is reported in one line with the
 *    table, the batch number, its rows in the file and the key of its first row (the server's
 *    words made one short line: a proxy's HTML page becomes its text).
 */
export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_UPLOAD_CONCURRENCY = 2;

export class UploadError extends BacktestError {
  readonly table: string;
  constructor(table: string, message: string, options?: ErrorOptions) {
    super('E_UPLOAD', message, options);
    this.table = table;
  }
}

export interface BatchJob {
  /** The table's name in the project. */
  readonly table: string;
  /** Its name in the journal. */
  readonly key: string;
  /** Where the rows came from, for messages (line k + 2 of the file is row k). */
  readonly file: string;
  readonly primaryKey: readonly string[];
  /** The rows, always in the same order; read only as fast as batches go out. */
  readonly rows: Iterable<Row> | AsyncIterable<Row>;
  /** Keep existing rows instead of overwriting them (`resolution=ignore-duplicates`). */
  readonly keepExisting?: boolean;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly journal?: Journal | undefined;
  readonly onRows?: (rows: number) => void;
}

/** What a table's upload did: batches sent and skipped (confirmed before), and the rows read. */
export interface BatchResult {
  readonly sent: number;
  readonly skipped: number;
  readonly rows: number;
}

export async function upsertBatches(rest: SupabaseRest, job: BatchJob, options: BatchOptions): Promise<BatchResult> {
  const size = options.batchSize;
  // Commands check --batch-size; anything else here would never end a batch (0.5) or never start one (0).
  if (!Number.isInteger(size) || size < 1) throw new BacktestError('E_BATCH_SIZE', `upload to ${job.table}: batch size ${size} is not a whole number ≥ 1`);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let skipped = 0;
  let rows = 0;
  let failure: unknown;
  // Stryker disable next-line StringLiteral: equivalent: the client prefixes its messages with this text, and describe() strips exactly that prefix
  const what = `upload ${job.table}`;
  // Stryker disable ObjectLiteral,BooleanLiteral,LogicalOperator: equivalent in the upsert's options: the conflict target is the primary key anyway, every object of a batch has the same fields (checked), and the Prefer header set next decides the resolution
  const query = (batch: Row[]) => rest.client.from(job.table)
    .upsert(batch, { onConflict: job.primaryKey.join(','), defaultToNull: true, ignoreDuplicates: job.keepExisting ?? false })
    // Stryker restore ObjectLiteral,BooleanLiteral,LogicalOperator
    .setHeader('Prefer', upsertPrefer(job.keepExisting ?? false));
  const upsert = async (batch: Row[], b: number): Promise<void> => {
    try {
      checkBatch(job, batch, b * size);
      await rest.run(what, query(batch));
    } catch (err) {
      failure ??= describe(job, what, b, size, batch, err);
      return;
    }
    options.journal?.confirm(job.key, b, batch.length);
    sent++;
    options.onRows?.(batch.length);
  };
  const dispatch = async (batch: Row[], b: number): Promise<void> => {
    if (options.journal?.has(job.key, b)) {
      skipped++;
      options.onRows?.(batch.length);
      return;
    }
    while (inFlight.size >= Math.max(1, options.concurrency)) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const p = upsert(batch, b).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  let batch: Row[] = [];
  let b = 0;
  try {
    for await (const row of job.rows) {
      batch.push(row);
      rows++;
      if (batch.length === size) {
        await dispatch(batch, b++);
        batch = [];
        if (failure !== undefined) break;
      }
    }
    // Stryker disable next-line UpdateOperator: equivalent: b is not read after the last batch
    if (batch.length && failure === undefined) await dispatch(batch, b++);
  } finally {
    await Promise.all(inFlight); // a failure reading the rows still lets the batches in flight finish
  }
  if (failure !== undefined) throw failure;
  return { sent, skipped, rows };
}

/**
 * The `Prefer` of an upsert: supabase-js sends only the resolution, and PostgREST's default
 * for writes is `return=minimal` (an empty 201, no rows echoed back); it is said outright so no
 * server's default can make every batch come back as JSON.
 */
export function upsertPrefer(keepExisting: boolean): string {
  return `resolution=${keepExisting ? 'ignore' : 'merge'}-duplicates,return=minimal`;
}

function checkBatch(job: BatchJob, rows: readonly Row[], offset: number): void {
  // Stryker disable next-line StringLiteral: equivalent: a batch is never empty, so the empty-batch keys are never compared
  const keys = rows.length ? Object.keys(rows[0]!).sort().join(',') : '';
  const seen = new Set<string>();
  rows.forEach((row, k) => {
    if (Object.keys(row).sort().join(',') !== keys) throw new UploadError(job.table, `${job.file} row ${offset + k + 1}: its fields differ from the batch's first row`);
    const id = job.primaryKey.map((c) => String(row[c])).join('|');
    if (seen.has(id)) throw new UploadError(job.table, `${job.file} row ${offset + k + 1}: primary key (${job.primaryKey.join(', ')}) = (${id.replaceAll('|', ', ')}) repeats within one batch`);
    seen.add(id);
  });
}

/** A refused batch in one line: the table, the batch, its rows in the file, the server's words, the key of its first row. */
function describe(job: BatchJob, what: string, b: number, size: number, rows: readonly Row[], err: unknown): unknown {
  if (!(err instanceof SupabaseHttpError)) return err;
  // Stryker disable next-line StringLiteral: equivalent: every message of the client starts with `${what}: `, so testing for it only guards
  const answer = err.message.startsWith(`${what}: `) ? err.message.slice(what.length + 2) : err.message; // the server's part
  const from = b * size + 1;
  const lines = rows.length > 1 ? `rows ${from}–${from + rows.length - 1}` : `row ${from}`;
  const key = job.primaryKey.map((c) => String(rows[0]?.[c] ?? null)).join(', ');
  return new UploadError(
    job.table,
    `upload to ${job.table} refused at batch ${b + 1} (${job.file} ${lines}): ${answer}; first row (${job.primaryKey.join(', ')}) = (${key})`,
    { cause: err },
  );
}
