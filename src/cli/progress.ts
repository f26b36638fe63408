import { SingleBar } from 'cli-progress';

/** A progress bar on stderr (variants done / total, ETA), drawn only on a terminal. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(interactive: boolean | undefined, label: string): Progress {
  if (!interactive) return { update() {}, stop() {} };
  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (total < 2) return;
      if (!bar) {
        bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} | {percentage}% | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 });
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
