import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BacktestError, UsageError } from '../errors.ts';

/**
 * The coordinator's record of a distributed run, on its own disk: `<out>/.<run-id>.queue/`.
 * - `run.json`: the plan (digest of everything that must not change), the data fingerprint and the
 *   chunk size, written before the first job is queued;
 * - `chunk-NNNNN.json`: each chunk's result as its worker returned it, written (atomically) before
 *   the job is removed from Redis — so results stay in Redis only until the coordinator has them,
 *   and a coordinator that crashes or is interrupted resumes from here (`--resume RUN_ID`).
 * The folder is removed once the run folder is complete. A chunk file that cannot be read back (a
 * crash on a file system that lost it) costs that chunk only: the coordinator runs it again.
 */
export interface JournalMeta {
  readonly v: 1;
  readonly runId: string;
  readonly digest: string;
  readonly fingerprint: string;
  readonly variants: number;
  readonly chunkSize: number;
  readonly chunks: number;
  readonly queue: string;
  readonly createdAt: string;
}

/** The journal folder of one run: its plan and the chunks collected so far. */
export class RunJournal {
  readonly dir: string;
  readonly meta: JournalMeta;

  private constructor(dir: string, meta: JournalMeta) {
    this.dir = dir;
    this.meta = meta;
  }

  static folder(outDir: string, runId: string): string {
    return join(outDir, `.${runId}.queue`);
  }

  /** A fresh run's journal; a folder already there is another run's with the same id, and is left alone. */
  static create(outDir: string, meta: JournalMeta): RunJournal {
    const dir = RunJournal.folder(outDir, meta.runId);
    mkdirSync(outDir, { recursive: true });
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new BacktestError('E_QUEUE_RUN_ID', `run ${meta.runId}: a queue journal of a run with this id is already at ${dir}; start the run again (it gets a new id)`);
    }
    atomicWrite(join(dir, 'run.json'), `${JSON.stringify(meta, null, 2)}\n`);
    return new RunJournal(dir, meta);
  }

  /** The journal of an earlier run, or a `UsageError` saying where it was looked for. */
  static open(outDir: string, runId: string): RunJournal {
    const dir = RunJournal.folder(outDir, runId);
    const file = join(dir, 'run.json');
    if (!existsSync(file)) {
      throw new UsageError(`--resume ${runId}: no queue journal at ${dir}; resume on the machine and with the --out that started the run`, 'E_RESUME');
    }
    let meta: JournalMeta;
    try {
      meta = JSON.parse(readFileSync(file, 'utf8')) as JournalMeta;
    } catch (err) {
      throw new UsageError(`--resume ${runId}: ${file} is damaged (${(err as Error).message})`, 'E_RESUME');
    }
    if (meta.v !== 1 || meta.runId !== runId) throw new UsageError(`--resume ${runId}: ${file} belongs to another run or version`, 'E_RESUME');
    return new RunJournal(dir, meta);
  }

  /** Chunks whose results are on disk (each still to be checked when read). */
  done(): number[] {
    return readdirSync(this.dir)
      .map((f) => /^chunk-(\d+)\.json$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  read(chunk: number): string {
    return readFileSync(this.file(chunk), 'utf8');
  }

  write(chunk: number, text: string): void {
    atomicWrite(this.file(chunk), text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private file(chunk: number): string {
    return join(this.dir, `chunk-${String(chunk).padStart(5, '0')}.json`);
  }
}

/**
 * Write to a temporary name, flush it to the disk, then rename: a reader never sees half a file, and
 * after a power cut a chunk file is either whole or absent (without the fsync, the rename may reach
 * the disk before the data, leaving an empty file under the final name). The folder itself is not
 * synced: a rename lost that way loses the chunk, which then runs again.
 */
function atomicWrite(file: string, text: string): void {
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
