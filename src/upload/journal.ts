import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * the same rows, and skips every confirmed batch. A torn last line (a kill mid-write) is ignored.
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
  readonly resumed: boolean;
  private readonly done = new Set<string>();

  private constructor(file: string, batchSize: number, resumed: boolean) {
    this.file = file;
    this.batchSize = batchSize;
    this.resumed = resumed;
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
        const journal = new Journal(file, start!.batch_size as number, true);
        for (const line of lines.slice(1)) {
          const entry = parseLine(line) as { type?: string; table?: string; batch?: number } | undefined;
          if (entry?.type === 'batch') journal.done.add(`${entry.table}#${entry.batch}`);
        }
        return journal;
      }
      if (mismatch !== null) onRestart(`${file} ${mismatch}: starting a new journal, every batch is sent again`);
    }
    const start = { type: 'start', run_id: target.id, host: target.host, tables: target.tables, batch_size: target.batchSize, at: new Date().toISOString() };
    writeFileSync(file, `${JSON.stringify(start)}\n`);
    return new Journal(file, target.batchSize, false);
  }

  has(table: string, batch: number): boolean {
    return this.done.has(`${table}#${batch}`);
  }

  confirm(table: string, batch: number, rows: number): void {
    this.done.add(`${table}#${batch}`);
    appendFileSync(this.file, `${JSON.stringify({ type: 'batch', table, batch, rows })}\n`);
  }

  complete(): void {
    appendFileSync(this.file, `${JSON.stringify({ type: 'complete', at: new Date().toISOString() })}\n`);
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

/** Writes a JSON file atomically (temporary name, then rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}.partial`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, file);
}
