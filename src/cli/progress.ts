import { SingleBar } from 'cli-progress';
import type { ProgressReporter } from '../util/progress.ts';

export type { ProgressReporter };

/**
 * A progress bar on stderr (done / total, rate, ETA), only when stderr is a terminal: never in
 * logs, pipes or tests. Reading, uploading and running variants all use it.
 */
export function progressBar(label: string, unit = 'rows'): ProgressReporter & { stop(): void } {
  if (!process.stderr.isTTY) return Object.assign(() => {}, { stop() {} });
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    undefined,
  );
  let started = false;
  const report: ProgressReporter = (done, total) => {
    if (!started) {
      bar.start(total ?? done, done);
      started = true;
    }
    if (total !== null) bar.setTotal(total);
    else if (done > bar.getTotal()) bar.setTotal(done);
    bar.update(done);
  };
  return Object.assign(report, { stop: () => { if (started) bar.stop(); } });
}
