import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The upload journal, `upload.journal` in the run folder: one JSON line per batch the server
 * confirmed, appended (and so on disk) as soon as the answer came:
 *   {"type":"start","run_id":"…","batch_size":500,"at":"…"}
 *   {"type":"batch","table":"equity","batch":3,"rows":500}
 *   {"type":"complete","at":"…"}
 * A resumed upload keeps the journal's batch size, so batch numbers mean the same rows, and
 * skips every confirmed batch. A torn last line (a kill mid-write) is ignored.
 */
export class Journal {
  readonly file: string;
  readonly batchSize: number;
  readonly resumed: boolean;
  private readonly done = new Set<string>();
  private completed = false;

  private constructor(file: string, batchSize: number, resumed: boolean) {
    this.file = file;
    this.batchSize = batchSize;
    this.resumed = resumed;
  }

  /** Opens the journal of a run folder, or starts one with `batchSize`. */
  static open(dir: string, runId: string, batchSize: number): Journal {
    const file = join(dir, 'upload.journal');
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      let journal: Journal | undefined;
      for (const line of lines) {
        let entry: { type?: string; table?: string; batch?: number; batch_size?: number; run_id?: string };
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.type === 'start' && entry.run_id === runId && !journal) journal = new Journal(file, entry.batch_size ?? batchSize, true);
        else if (journal && entry.type === 'batch') journal.done.add(`${entry.table}#${entry.batch}`);
        else if (journal && entry.type === 'complete') journal.completed = true;
      }
      if (journal) return journal;
    }
    writeFileSync(file, `${JSON.stringify({ type: 'start', run_id: runId, batch_size: batchSize, at: new Date().toISOString() })}\n`);
    return new Journal(file, batchSize, false);
  }

  get isComplete(): boolean {
    return this.completed;
  }

  get confirmed(): number {
    return this.done.size;
  }

  has(table: string, batch: number): boolean {
    return this.done.has(`${table}#${batch}`);
  }

  confirm(table: string, batch: number, rows: number): void {
    this.done.add(`${table}#${batch}`);
    appendFileSync(this.file, `${JSON.stringify({ type: 'batch', table, batch, rows })}\n`);
  }

  complete(): void {
    this.completed = true;
    appendFileSync(this.file, `${JSON.stringify({ type: 'complete', at: new Date().toISOString() })}\n`);
  }
}

/** Writes a JSON file atomically (temporary name, then rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}.partial`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, file);
}
