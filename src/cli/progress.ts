import { SingleBar } from 'cli-progress';
import type { ProgressFactory, ProgressReporter } from '../util/progress.ts';

export type { ProgressFactory, ProgressReporter };

/** A phase shorter than this draws no bar (it would only flicker). */
export const PROGRESS_DELAY_MS = 300;

/**
 * A progress bar on stderr (done / total, rate, ETA), only when stderr is a terminal: never in
 * logs, pipes or tests. Reading (the window, Supabase pages), running variants, writing the run's
 * CSVs and uploading all use it. It appears once its phase has run for `PROGRESS_DELAY_MS`.
 */
export const progressBar: ProgressFactory = (label, unit = 'rows') => {
  if (!process.stderr.isTTY) return Object.assign(() => {}, { stop() {} });
  const counts = unit === '%' ? '' : `{value}/{total} ${unit} | `;
  const bar = new SingleBar(
    { format: `${label} [{bar}] ${counts}{percentage}% | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    undefined,
  );
  const from = performance.now();
  let started = false;
  const report: ProgressReporter = (done, total) => {
    if (!started) {
      if (performance.now() - from < PROGRESS_DELAY_MS) return;
      bar.start(total ?? done, done);
      started = true;
    }
    if (total !== null) bar.setTotal(total);
    else if (done > bar.getTotal()) bar.setTotal(done);
    bar.update(done);
  };
  return Object.assign(report, { stop: () => { if (started) bar.stop(); } });
};
