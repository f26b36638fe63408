import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoDate } from '../../src/util/dates.ts';
import { describe, expect, it } from 'vitest';
import { importToSupabase } from '../../src/source/import/to-supabase.ts';
import { ROOT, tempDir } from '../support/cli.ts';
import { clientFor, twoProjects, type PostgrestServer } from '../support/postgrest/index.ts';

const GOOG = join(ROOT, 'test/fixtures/goog-2004-2005.csv');

async function counts(server: PostgrestServer) {
  const { rows } = await server.db.query<{ prices: number; universe: number }>(`select (select count(*)::int from prices) as prices, (select count(*)::int from universe) as universe`);
  return rows[0]!;
}

describe('importToSupabase', () => {
  const projects = twoProjects();

  it('an import interrupted against one project, then run against another, sends every row to the second', async () => {
    const cwd = tempDir();
    // Project A takes the universe, then refuses every batch of prices: the journal stays behind.
    projects.a.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/prices');
    projects.a.faults.rate = 1;
    projects.a.faults.kinds = ['57014'];
    const toA = clientFor(projects.a, 2);
    const failed = await importToSupabase(toA, { files: [GOOG], batchSize: 50, cwd }).catch((e: Error) => e);
    await toA.close();
    expect(failed).toBeInstanceOf(Error);
    expect(await counts(projects.a)).toEqual({ prices: 0, universe: 2 });
    const notices: string[] = [];
    const toB = clientFor(projects.b, 2);
    try {
      const report = await importToSupabase(toB, { files: [GOOG], batchSize: 50, cwd, notice: (l) => notices.push(l) });
      expect(report.rows).toBe(300);
    } finally {
      await toB.close();
    }
    expect(await counts(projects.b)).toEqual({ prices: 300, universe: 2 });
    expect(notices[0]).toMatch(/was written for 127\.0\.0\.1:\d+, this upload goes to 127\.0\.0\.1:\d+: starting a new journal/);
  });

  it('an import interrupted with --adjust and run again with --no-adjust starts afresh: every close is the raw one', async () => {
    const cwd = tempDir();
    // A Yahoo-style file whose Adj Close is half the Close.
    const file = join(cwd, 'ADJ.csv');
    const lines = Array.from({ length: 200 }, (_, k) => `${isoDate(19_000 + k)},10,11,9,${20 + k},${(20 + k) / 2},1000`);
    writeFileSync(file, `Date,Open,High,Low,Close,Adj Close,Volume\n${lines.join('\n')}\n`);
    // The first import gets two batches of prices in, then every batch is refused.
    let prices = 0;
    projects.a.reset();
    projects.a.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/prices') && ++prices > 2;
    projects.a.faults.rate = 1;
    projects.a.faults.kinds = ['57014'];
    const first = clientFor(projects.a, 1);
    const failed = await importToSupabase(first, { files: [file], batchSize: 50, cwd }).catch((e: Error) => e);
    await first.close();
    expect(failed).toBeInstanceOf(Error);
    projects.a.reset();
    const second = clientFor(projects.a, 1);
    try {
      await importToSupabase(second, { files: [file], batchSize: 50, cwd, adjust: false });
    } finally {
      await second.close();
    }
    const { rows } = await projects.a.db.query<{ n: number; raw: number }>(`select count(*)::int as n, count(*) filter (where close = 20 + (date - date '${isoDate(19_000)}'))::int as raw from prices where symbol = 'ADJ'`);
    expect(rows[0]).toEqual({ n: 200, raw: 200 });
  });
});
