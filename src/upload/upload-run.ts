import { join } from 'node:path';
import type { SupabaseRest } from '../supabase/index.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, UploadError, upsertBatches, upsertPrefer } from './batches.ts';
import { Journal, writeJsonAtomic } from './journal.ts';
import { readRunFolder, runRow, type RunFolder, type RunStatus } from './run-rows.ts';
import { runCheck, verifiedUpload } from './verify.ts';

/**
 * Uploads a finished run folder to the results tables, resumably:
 * 1. the run row is upserted as `running` (a failed or interrupted upload never looks complete);
 * 2. each table's rows go in batches (batches.ts), each confirmed batch recorded in the journal —
 *    a journal that confirms batches is first checked against the server's exact counts, and
 *    discarded (every batch sent again) when the server lacks them (verify.ts);
 * 3. the server's exact count of each table's rows of the run must equal the file's (else the
 *    journal is discarded and everything sent again, once); only then is the run row upserted as
 *    `complete` with its row counts, and the journal closed;
 * on a refusal the run row becomes `failed` (one attempt, even with the breaker open; when even
 * that fails, upload.json and a notice say the row still reads `running`) and the error is raised.
 * upload.json in the folder records the outcome and the counters (written atomically);
 * manifest.json is never rewritten.
 */
export interface UploadOptions {
  readonly batchSize?: number;
  readonly progress?: ((done: number, total: number | null) => void) & { stop(): void };
  /**
   * Told, in one line, when the folder's journal was set aside (written for another project or
   * tables, or confirming rows the server does not hold), or the run row could not be marked failed.
   */
  readonly notice?: (line: string) => void;
}

export interface UploadReport {
  readonly runId: string;
  readonly status: 'complete' | 'failed';
  readonly rows: Record<string, number>;
  readonly batchesSent: number;
  readonly batchesSkipped: number;
  readonly requests: number;
  readonly retries: number;
  readonly seconds: number;
  readonly resumed: boolean;
}

export async function uploadRun(rest: SupabaseRest, dir: string, options: UploadOptions = {}): Promise<UploadReport> {
  const folder = await readRunFolder(dir);
  const { runs, variants, equity, trades, diagnostics } = rest.tables;
  // A walk-forward's tables join the journal's when the folder has them (a journal of any other run is unchanged).
  const walkForward = Object.fromEntries(folder.tables.filter((t) => t.table === 'folds' || t.table === 'oos_equity').map((t) => [t.table, rest.tables[t.table]]));
  const journal = Journal.open(
    dir,
    { id: folder.runId, host: rest.host, tables: { runs, variants, equity, trades, diagnostics, ...walkForward }, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE },
    options.notice,
  );
  const t0 = performance.now();
  const before = rest.counters.snapshot();
  const source = String((folder.manifest.data as { kind?: string } | undefined)?.kind ?? 'local');
  const rows = Object.fromEntries(folder.tables.map((t) => [rest.tables[t.table], t.count]));
  const total = folder.tables.reduce((n, t) => n + t.count, 0);
  let done = 0;
  let sent = 0;
  let skipped = 0;
  const report = (status: 'complete' | 'failed'): UploadReport => {
    const now = rest.counters.snapshot();
    return {
      runId: folder.runId, status, rows, batchesSent: sent, batchesSkipped: skipped,
      requests: now.requests - before.requests, retries: now.retries - before.retries,
      seconds: Math.round(performance.now() - t0) / 1000, resumed: journal.resumed,
    };
  };
  const upload = async () => {
    done = 0;
    skipped = 0; // a second pass (the journal discarded) skips nothing; `sent` counts every pass's requests
    for (const t of folder.tables) {
      const r = await upsertBatches(rest, { table: rest.tables[t.table], key: t.table, file: t.file, primaryKey: t.primaryKey, rows: t.rows() }, {
        batchSize: journal.batchSize,
        concurrency: DEFAULT_UPLOAD_CONCURRENCY,
        journal,
        onRows: (n) => options.progress?.((done += n), total),
      });
      // The run row's counts come from manifest.json: they must be what was uploaded.
      if (r.rows !== t.count) throw new UploadError(rest.tables[t.table], `${t.file} has ${r.rows} rows, manifest.json counts ${t.count}: the folder changed after the run`);
      sent += r.sent;
      skipped += r.skipped;
    }
  };
  const tables = folder.tables.map((t) => ({ key: t.table, table: rest.tables[t.table], file: t.file, count: t.count }));
  try {
    await markRun(rest, folder, 'running', source);
    await verifiedUpload({ journal, upload, check: runCheck(rest, folder.runId, journal, tables), what: `run ${folder.runId}`, notice: options.notice });
    // A run interrupted while its variants ran is uploaded whole but stays marked partial.
    await markRun(rest, folder, folder.manifest.status === 'partial' ? 'partial' : 'complete', source);
    journal.complete();
  } catch (err) {
    // One attempt even when the breaker is open (it is, when the server kept failing): a run
    // row left `running` would look like an upload still going on.
    const unmarked = await markRun(rest, folder, 'failed', source, true).then(() => undefined, (e: Error) => e.message);
    const runRow = unmarked === undefined ? 'failed' : `still running: it could not be marked failed (${unmarked})`;
    try {
      writeJsonAtomic(join(dir, 'upload.json'), { ...report('failed'), url: rest.url, error: (err as Error).message, run_row: runRow });
    } catch (writing) {
      options.notice?.((writing as Error).message); // the upload's own error is the one to report
    }
    if (unmarked !== undefined) options.notice?.(`run ${folder.runId} in ${rest.tables.runs} is ${runRow}`);
    throw err;
  } finally {
    options.progress?.stop();
  }
  const result = report('complete');
  writeJsonAtomic(join(dir, 'upload.json'), { ...result, url: rest.url, batch_size: journal.batchSize });
  return result;
}

async function markRun(rest: SupabaseRest, folder: RunFolder, status: RunStatus, source: string, force = false): Promise<void> {
  const query = rest.client.from(rest.tables.runs).upsert(runRow(folder, status, source), { onConflict: 'run_id' }).setHeader('Prefer', upsertPrefer(false));
  await rest.run(`mark run ${status} in ${rest.tables.runs}`, query, { force });
}
