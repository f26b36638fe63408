import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRun } from '../../src/upload/index.ts';
import { tempDir } from '../support/cli.ts';
import { clientFor, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';
import { writeRunFolder } from '../support/run-folder.ts';

/** Row counts of a run in a server's results tables, and its status. */
async function stored(server: PostgrestServer, runId: string) {
  const n = async (table: string) => (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = $1`, [runId])).rows[0]!.n;
  const status = (await server.db.query<{ status: string }>('select status from backtest_runs where run_id = $1', [runId])).rows[0]?.status;
  return { status, variants: await n('backtest_variants'), equity: await n('backtest_equity'), trades: await n('backtest_trades') };
}

describe('uploadRun', () => {
  let a: PostgrestServer;
  let b: PostgrestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startPostgrest(), startPostgrest()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a folder uploaded to one project, then to another, sends every row to the second (the journal is per project)', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir());
    const toA = clientFor(a, 4);
    try {
      await uploadRun(toA, dir, { batchSize: 50 });
    } finally {
      await toA.close();
    }
    expect(await stored(a, runId)).toEqual({ status: 'complete', ...rows });
    const notices: string[] = [];
    const toB = clientFor(b, 4);
    try {
      const report = await uploadRun(toB, dir, { batchSize: 50, notice: (l) => notices.push(l) });
      expect(report.batchesSkipped).toBe(0);
    } finally {
      await toB.close();
    }
    expect(await stored(b, runId)).toEqual({ status: 'complete', ...rows });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`was written for ${new URL(a.url).host}, this upload goes to ${new URL(b.url).host}`);
  });
});
