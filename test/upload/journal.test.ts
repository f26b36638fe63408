import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, type JournalTarget } from '../../src/upload/journal.ts';
import { tempDir } from '../support/cli.ts';

const target: JournalTarget = { id: 'run-1', host: 'a.supabase.co', tables: { equity: 'backtest_equity', trades: 'backtest_trades' }, batchSize: 100 };

/** A journal with two confirmed batches, as an interrupted upload leaves it. */
function interrupted(): string {
  const dir = tempDir();
  const journal = Journal.open(dir, target);
  journal.confirm('equity', 0, 100);
  journal.confirm('trades', 3, 100);
  return dir;
}

describe('the upload journal', () => {
  it('resumes a journal written for the same run, project and tables, with its own batch size', () => {
    const dir = interrupted();
    const notices: string[] = [];
    const resumed = Journal.open(dir, { ...target, batchSize: 7 }, (l) => notices.push(l));
    expect(resumed.resumed).toBe(true);
    expect(resumed.batchSize).toBe(100);
    expect([resumed.has('equity', 0), resumed.has('trades', 3), resumed.has('trades', 0)]).toEqual([true, true, false]);
    expect(notices).toEqual([]);
  });

  it('sets aside a journal written for another project, saying so in one line', () => {
    const dir = interrupted();
    const notices: string[] = [];
    const fresh = Journal.open(dir, { ...target, host: 'b.supabase.co' }, (l) => notices.push(l));
    expect(fresh.resumed).toBe(false);
    expect(fresh.has('equity', 0)).toBe(false);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/upload\.journal was written for a\.supabase\.co, this upload goes to b\.supabase\.co: starting a new journal/);
    expect(JSON.parse(readFileSync(join(dir, 'upload.journal'), 'utf8').split('\n')[0]!)).toMatchObject({ host: 'b.supabase.co', batch_size: 100 });
  });

  it('sets aside a journal written for other table names', () => {
    const dir = interrupted();
    const notices: string[] = [];
    const fresh = Journal.open(dir, { ...target, tables: { ...target.tables, trades: 'my_trades' } }, (l) => notices.push(l));
    expect(fresh.resumed).toBe(false);
    expect(fresh.has('trades', 3)).toBe(false);
    expect(notices[0]).toMatch(/other tables \(trades: backtest_trades → my_trades\)/);
  });

  it('sets aside a journal that does not record its project (written by an older version)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'upload.journal'), `${JSON.stringify({ type: 'start', run_id: 'run-1', batch_size: 100, at: 'x' })}\n{"type":"batch","table":"equity","batch":0,"rows":100}\n`);
    const notices: string[] = [];
    const fresh = Journal.open(dir, target, (l) => notices.push(l));
    expect(fresh.has('equity', 0)).toBe(false);
    expect(notices[0]).toMatch(/does not record which project/);
  });
});
