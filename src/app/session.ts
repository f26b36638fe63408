import { existsSync } from 'node:fs';
import type { RunConfig } from '../config/run-config.ts';
import { InterruptedError, isUsageError, withHint } from '../errors.ts';
import type { QueueTarget } from '../distributed/queue-url.ts';
import type { SupabaseRest } from '../supabase/client.ts';
import type { UploadReport } from '../upload/index.ts';
import type { ProgressReporter } from '../util/progress.ts';
import { newRunId } from '../writers/run-dir.ts';
import { runBacktest, type RunOutcome } from './backtest.ts';
import { closeOnInterrupt } from './interrupt.ts';
import { uploadFolder } from './upload.ts';

/**
 * A run as the `backtest` command makes it, around `runBacktest`:
 * 1. the run id: new, or the one `--resume` continues (its journal found and checked);
 * 2. a distributed run: the queue reached before any data are read, its executor and journal;
 * 3. the run's one Supabase client (when configured), closed at the end and on Ctrl-C;
 * 4. the run itself; a distributed run that fails or is interrupted keeps its journal and says how to resume;
 * 5. report.html when asked, then the upload of the finished folder when configured.
 * Printing is the caller's: lines for the user go to `notice`.
 */
export interface SessionOptions {
  /** `--queue` (with `--resume`, `--chunk-size`), checked at the edge; undefined: this machine. */
  readonly queue?: { readonly target: QueueTarget; readonly resume: string | undefined; readonly chunkSize: number | undefined } | undefined;
  /** Also write report.html. */
  readonly report?: boolean;
  /** The command line as typed, for the resume hint. */
  readonly commandLine: string;
}

export interface SessionIO {
  /** A line for the user (stderr): warnings, the queue's progress, the resume command, the upload. */
  readonly notice: (line: string) => void;
  /** Ctrl-C: stop running variants, keep those that finished. */
  readonly signal?: AbortSignal | undefined;
  /** Says when Ctrl-C can stop gracefully (while variants run). */
  readonly setGraceful?: ((on: boolean) => void) | undefined;
  readonly progress?: ((label: string, unit?: string) => ProgressReporter & { stop(): void }) | undefined;
}

export interface SessionResult {
  readonly outcome: RunOutcome;
  /** report.html, when written. */
  readonly reportPath?: string | undefined;
  /**
   * The upload, when Supabase is configured and uploads are on: its report, or the error that stopped
   * it (the run folder is complete all the same: the caller prints the results, then the error).
   */
  readonly upload?: { readonly host: string; readonly report?: UploadReport; readonly error?: unknown } | undefined;
  /** The Supabase client's counters after it closed, for --verbose. */
  readonly supabase?: { readonly host: string; readonly counters: ReturnType<SupabaseRest['snapshot']> } | undefined;
}

export async function runSession(config: RunConfig, o: SessionOptions, io: SessionIO): Promise<SessionResult> {
  const queue = o.queue;
  let runId = newRunId(config.strategy.strategy.name);
  // BullMQ and ioredis load only for a distributed run.
  const queueing = queue ? await import('../distributed/index.ts') : undefined;
  if (queue?.resume) runId = queueing!.resumeRunId(queue.resume, config.outDir, queue.chunkSize);
  if (queue) await queueing!.checkReachable(queue.target);
  const distributed = queue ? queueing!.queueExecutor({ target: queue.target, resume: Boolean(queue.resume), chunkSize: queue.chunkSize, log: io.notice }) : undefined;
  const resumeCommand = () => `${o.commandLine.replace(/\s--resume[= ]\S+/, '')} --resume ${runId}`;
  // The run's one Supabase client: the source reads through it, strategies get it, the upload uses it.
  // Loaded only when configured: its modules (undici, supabase-js) cost start-up time.
  const supabase = config.supabase ? (await import('../supabase/client.ts')).SupabaseRest.open(config.supabase) : undefined;
  const release = supabase ? closeOnInterrupt(() => supabase.destroy()) : () => {};
  let result: Omit<SessionResult, 'supabase'>;
  try {
    io.setGraceful?.(true);
    let outcome: RunOutcome;
    try {
      outcome = await runBacktest(
        config,
        { warn: (w) => io.notice(`warning: ${w}`), notice: (line) => io.notice(`backtest: ${line}`), supabase, signal: io.signal, progress: io.progress, executor: distributed?.executor, resume: Boolean(queue?.resume) },
        runId,
      );
    } catch (err) {
      if (distributed && !isUsageError(err) && existsSync(queueing!.RunJournal.folder(config.outDir, runId))) {
        throw withHint(err, err instanceof InterruptedError ? `resume with: ${resumeCommand()}` : `the chunks finished so far are kept; once the cause is fixed, resume with: ${resumeCommand()}`);
      }
      throw err;
    } finally {
      io.setGraceful?.(false);
    }
    distributed?.finish(config.outDir, runId, outcome.record.status);
    if (distributed && outcome.record.status === 'partial') io.notice(`resume with: ${resumeCommand()}`);
    const reportPath = o.report
      ? (await (await import('../report/index.ts')).writeReport(outcome.dir, { rankBy: config.rankBy, allowPartial: outcome.record.status === 'partial' })).path
      : undefined;
    let upload: SessionResult['upload'];
    if (config.upload && supabase) {
      try {
        upload = { host: supabase.host, report: await uploadFolder(supabase, outcome.dir, { progress: io.progress?.(`upload ${supabase.host}`), notice: (line) => io.notice(`backtest: ${line}`) }) };
      } catch (error) {
        upload = { host: supabase.host, error };
      }
    }
    result = { outcome, reportPath, upload };
  } finally {
    release();
    await supabase?.close();
  }
  return { ...result, supabase: supabase ? { host: supabase.host, counters: supabase.snapshot() } : undefined };
}
