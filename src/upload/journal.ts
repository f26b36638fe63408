import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLine, writeTextFile } from '../writers/write-file.ts';

export { writeJsonAtomic } from '../writers/write-file.ts';

/**
 * The upload journal, `upload.journal` in the run folder: one JSON line per batch the server
 * confirmed, appended (and so on disk) as soon as the answer came:
 *   {"type":"start","run_id":"…","host":"<ref>.supabase.co","tables":{"equity":"backtest_equity",…},"batch_size":500,"at":"…"}
 *   {"type":"batch","table":"equity","batch":3,"rows":500}
 *   {"type":"complete","at":"…"}
 * A confirmed batch means "these rows are in that table of that project", so the start line
 * records the project's host and the table names: a journal written for another project or
 * other tables (or by a version that did not record them) is replaced by a new one, and every
 * batch is sent again. A resumed upload keeps the journal's batch size, so batch numbers mean
 * the same rows, and skips every confirmed batch — once the server has been seen to hold them
 * (upload-run.ts counts them first: a journal is a claim about the server, which may have lost the
 * rows since; `restart` discards it). A torn last line (a kill or a full disk mid-write) is ignored.
 */
export interface JournalTarget {
  /** The run id (or an import's id). */
  readonly id: string;
  /** The project's host (`rest.host`). */
  readonly host: string;
  /** Each journal key (`equity`) with the name of its table in the project (`backtest_equity`). */
  readonly tables: Readonly<Record<string, string>>;
  /** Rows per batch, for a new journal (a resumed one keeps its own). */
  readonly batchSize: number;
}

interface StartLine {
  readonly run_id?: unknown;
  readonly host?: unknown;
  readonly tables?: unknown;
  readonly batch_size?: unknown;
}

export class Journal {
  readonly file: string;
  readonly batchSize: number;
  private wasResumed: boolean;
  /** Confirmed batches, `table#batch` → its rows. */
  private readonly done = new Map<string, number>();
  private readonly target: JournalTarget;

  private constructor(file: string, target: JournalTarget, batchSize: number, resumed: boolean) {
    this.file = file;
    this.target = target;
    this.batchSize = batchSize;
    this.wasResumed = resumed;
  }

  /** True when this journal continues an earlier upload (and was not restarted since). */
  get resumed(): boolean {
    return this.wasResumed;
  }

  /**
   * Opens the journal of `dir` when it was written for `target` (same id, host and tables), or
   * starts a new one; `onRestart` is told in one line why an existing journal was set aside.
   */
  static open(dir: string, target: JournalTarget, onRestart: (line: string) => void = () => {}): Journal {
    const file = join(dir, 'upload.journal');
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const start = parseLine(lines[0] ?? '') as StartLine | undefined;
      const mismatch = start ? mismatchOf(start, target) : 'its first line is unreadable';
      if (mismatch === undefined) {
        const journal = new Journal(file, target, start!.batch_size as number, true);
        for (const line of lines.slice(1)) {
          const entry = parseLine(line) as { type?: string; table?: string; batch?: number; rows?: number } | undefined;
          if (entry?.type === 'batch') journal.done.set(`${entry.table}#${entry.batch}`, Number.isInteger(entry.rows) ? entry.rows! : 0);
        }
        return journal;
      }
      if (mismatch !== null) onRestart(`${file} ${mismatch}: starting a new journal, every batch is sent again`);
    }
    const journal = new Journal(file, target, target.batchSize, false);
    journal.writeStart();
    return journal;
  }

  has(table: string, batch: number): boolean {
    return this.done.has(`${table}#${batch}`);
  }

  /** Rows of `table` in confirmed batches (what the server should hold at least). */
  confirmedRows(table: string): number {
    let rows = 0;
    for (const [key, n] of this.done) if (key.slice(0, key.lastIndexOf('#')) === table) rows += n;
    return rows;
  }

  /** True when some batch is confirmed (so an upload would skip it). */
  get confirmedBatches(): number {
    return this.done.size;
  }

  confirm(table: string, batch: number, rows: number): void {
    this.done.set(`${table}#${batch}`, rows);
    appendLine(this.file, JSON.stringify({ type: 'batch', table, batch, rows }));
  }

  complete(): void {
    appendLine(this.file, JSON.stringify({ type: 'complete', at: new Date().toISOString() }));
  }

  /**
   * Forgets every confirmed batch and starts the file again (same batch size, so batch numbers
   * keep their rows): the server was found not to hold what the journal said.
   */
  restart(): void {
    this.done.clear();
    this.wasResumed = false;
    this.writeStart();
  }

  private writeStart(): void {
    const t = this.target;
    writeTextFile(this.file, `${JSON.stringify({ type: 'start', run_id: t.id, host: t.host, tables: t.tables, batch_size: this.batchSize, at: new Date().toISOString() })}\n`);
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a journal's start line does not fit the target: a phrase for the user; null when it is
 * another run's journal (a copied folder: replaced without a word, as before); undefined when it fits.
 */
function mismatchOf(start: StartLine, target: JournalTarget): string | null | undefined {
  if (start.run_id !== target.id) return null;
  if (typeof start.host !== 'string' || start.tables === null || typeof start.tables !== 'object') {
    return 'does not record which project it was written for (an older version wrote it)';
  }
  if (!Number.isInteger(start.batch_size) || (start.batch_size as number) < 1) return 'has no valid batch size';
  if (start.host !== target.host) return `was written for ${start.host}, this upload goes to ${target.host}`;
  const before = start.tables as Record<string, unknown>;
  const changed = [...new Set([...Object.keys(before), ...Object.keys(target.tables)])]
    .filter((key) => before[key] !== target.tables[key])
    .map((key) => `${key}: ${String(before[key] ?? 'none')} → ${target.tables[key] ?? 'none'}`);
  return changed.length ? `was written for other tables (${changed.join(', ')})` : undefined;
}
