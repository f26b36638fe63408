import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importToSupabase } from '../../src/source/import/to-supabase.ts';
import { ROOT, tempDir } from '../support/cli.ts';
import { clientFor, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

const GOOG = join(ROOT, 'test/fixtures/goog-2004-2005.csv');

async function counts(server: PostgrestServer) {
  const { rows } = await server.db.query<{ prices: number; universe: number }>(`select (select count(*)::int from prices) as prices, (select count(*)::int from universe) as universe`);
  return rows[0]!;
}

describe('importToSupabase', () => {
  let a: PostgrestServer;
  let b: PostgrestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startPostgrest(), startPostgrest()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('an import interrupted against one project, then run against another, sends every row to the second', async () => {
    const cwd = tempDir();
    // Project A takes the universe, then refuses every batch of prices: the journal stays behind.
    a.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/prices');
    a.faults.rate = 1;
    a.faults.kinds = ['57014'];
    const toA = clientFor(a, 2);
    const failed = await importToSupabase(toA, { files: [GOOG], batchSize: 50, cwd }).catch((e: Error) => e);
    await toA.close();
    expect(failed).toBeInstanceOf(Error);
    expect(await counts(a)).toEqual({ prices: 0, universe: 2 });
    const notices: string[] = [];
    const toB = clientFor(b, 2);
    try {
      const report = await importToSupabase(toB, { files: [GOOG], batchSize: 50, cwd, notice: (l) => notices.push(l) });
      expect(report.rows).toBe(300);
    } finally {
      await toB.close();
    }
    expect(await counts(b)).toEqual({ prices: 300, universe: 2 });
    expect(notices[0]).toMatch(/was written for 127\.0\.0\.1:\d+, this upload goes to 127\.0\.0\.1:\d+: starting a new journal/);
  });
});
