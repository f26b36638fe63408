import { join } from 'node:path';
import type { SupabaseRest } from '../supabase/index.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, UploadError, upsertBatches, upsertPrefer } from './batches.ts';
import { Journal, writeJsonAtomic } from './journal.ts';
import { readRunFolder, runRow, type RunFolder, type RunStatus } from './run-rows.ts';

/**
 * Uploads a finished run folder to the results tables, resumably:
 * 1. the run row is upserted as `running` (a failed or interrupted upload never looks complete);
 * 2. each table's rows go in batches (batches.ts), each confirmed batch recorded in the journal;
 * 3. the run row is upserted as `complete` with its row counts, and the journal closed;
 * on a refusal the run row becomes `failed` (one attempt, even with the breaker open; when even
 * that fails, upload.json and a notice say the row still reads `running`) and the error is raised.
 * upload.json in the folder records the outcome and the counters (written atomically);
 * manifest.json is never rewritten.
 */
export interface UploadOptions {
  readonly batchSize?: number;
  readonly progress?: ((done: number, total: number | null) => void) & { stop(): void };
  /** Told, in one line, when the folder's journal was set aside (written for another project or tables), or the run row could not be marked failed. */
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
  const journal = Journal.open(
    dir,
    { id: folder.runId, host: rest.host, tables: { runs, variants, equity, trades, diagnostics }, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE },
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
  try {
    await markRun(rest, folder, 'running', source);
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
    // A run interrupted while its variants ran is uploaded whole but stays marked partial.
    await markRun(rest, folder, folder.manifest.status === 'partial' ? 'partial' : 'complete', source);
    journal.complete();
  } catch (err) {
    // One attempt even when the breaker is open (it is, when the server kept failing): a run
    // row left `running` would look like an upload still going on.
    const unmarked = await markRun(rest, folder, 'failed', source, true).then(() => undefined, (e: Error) => e.message);
    const runRow = unmarked === undefined ? 'failed' : `still running: it could not be marked failed (${unmarked})`;
    writeJsonAtomic(join(dir, 'upload.json'), { ...report('failed'), url: rest.url, error: (err as Error).message, run_row: runRow });
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
