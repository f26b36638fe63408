import type { SupabaseRest } from '../supabase/client.ts';
import { uploadRun, type UploadReport } from '../upload/index.ts';
import type { ProgressReporter } from '../util/progress.ts';
import { withHint } from '../errors.ts';

/**
 * Uploads a committed run folder through the run's client; shared by `backtest` (after the CSVs) and
 * `backtest upload`. A failure keeps the CSVs and says how to resume; the summary line is the caller's to print.
 */
export async function uploadFolder(
  rest: SupabaseRest,
  dir: string,
  o: { batchSize?: number | undefined; progress?: (ProgressReporter & { stop(): void }) | undefined; notice: (line: string) => void },
): Promise<UploadReport> {
  try {
    return await uploadRun(rest, dir, { batchSize: o.batchSize, progress: o.progress, notice: o.notice });
  } catch (err) {
    throw withHint(err, `the CSVs in ${dir} are complete; \`backtest upload ${dir}\` resumes the upload once the cause is fixed`);
  }
}

/** One line about an upload, e.g. `uploaded run … to host: backtest_runs 1, …; 4 batch(es) sent, 6 requests, 0 retries, 0.10 s`. */
export function describeUpload(report: UploadReport, host: string): string {
  const rows = Object.entries(report.rows).map(([t, n]) => `${t} ${n}`).join(', ');
  return `uploaded run ${report.runId} to ${host}: ${rows}; ${report.batchesSent} batch(es) sent${report.batchesSkipped ? `, ${report.batchesSkipped} already confirmed` : ''}, ` +
    `${report.requests} requests, ${report.retries} retries, ${report.seconds.toFixed(2)} s`;
}
