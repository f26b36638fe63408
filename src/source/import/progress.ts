import type { Duck } from '../local/duckdb.ts';
import type { ProgressReporter } from '../../util/progress.ts';

/**
 * Progress of an import's long steps: the CLI gives a factory of terminal bars (one per step,
 * labelled), libraries and tests give nothing. A step that is one DuckDB statement reports
 * DuckDB's own estimate of how far the statement is (polled four times a second), scaled to the
 * step's size (megabytes of the file being read).
 */
export type ImportProgress = (label: string, unit: string) => ProgressReporter & { stop(): void };

/** Asks DuckDB to track progress without drawing its own bar. */
export async function trackProgress(duck: Duck): Promise<void> {
  await duck.connection.run(`SET enable_progress_bar = true`);
  await duck.connection.run(`SET enable_progress_bar_print = false`);
}

/** Runs one statement, showing its progress as a share of `bytes` (in MB) when there is a bar. */
export async function runWithProgress(duck: Duck, sql: string, label: string, bytes: number, progress: ImportProgress | undefined): Promise<void> {
  if (!progress) {
    await duck.connection.run(sql);
    return;
  }
  const total = Math.max(1, Math.round(bytes / 1e6));
  const bar = progress(label, 'MB');
  const timer = setInterval(() => {
    const p = duck.connection.progress.percentage;
    if (p > 0) bar(Math.min(total, Math.round((p / 100) * total)), total); // nothing shown before DuckDB has a first estimate
  }, 250);
  try {
    await duck.connection.run(sql);
    bar(total, total);
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}
