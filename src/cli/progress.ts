import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr, only when stderr is a terminal (never in logs, pipes or tests).
 * `report(done, total)` accepts an unknown total (null) until one is known.
 */
export function progressBar(label: string): ((done: number, total: number | null) => void) & { stop(): void } {
  if (!process.stderr.isTTY) return Object.assign(() => {}, { stop() {} });
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} rows`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, undefined);
  let started = false;
  const report = (done: number, total: number | null) => {
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
