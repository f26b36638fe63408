import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRun } from '../../src/upload/index.ts';
import { backtest, tempDir } from '../support/cli.ts';
import { clientFor, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';
import { runFolder } from '../support/queue.ts';

describe('uploading a run with costs and --capacity', () => {
  let server: PostgrestServer;
  beforeAll(async () => { server = await startPostgrest(); });
  afterAll(async () => { await server?.close(); });

  it('sends capacity.csv to backtest_capacity and trades.csv\'s asked column to backtest_trades', async () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--grid', 'top=5,10', '--max-participation', '0.005', '--impact', 'sqrt', '--capacity', '1e6,1e8', '--no-upload', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    const rest = clientFor(server, 4);
    let report;
    try {
      report = await uploadRun(rest, dir);
    } finally {
      await rest.close();
    }
    const runId = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).run_id as string;
    expect(report.rows).toMatchObject({ backtest_capacity: 4 });
    const { rows } = await server.db.query<{ variant_id: number; capital: number; unfilled_share: number }>('select variant_id, capital, unfilled_share from backtest_capacity where run_id = $1 order by variant_id, capital', [runId]);
    const file = (parse(readFileSync(join(dir, 'capacity.csv')), { columns: true }) as Record<string, string>[]).map((c) => ({ variant_id: Number(c.variant), capital: Number(c.capital), unfilled_share: Number(c.unfilled_share) }));
    expect(rows).toEqual(file);
    const { rows: asked } = await server.db.query<{ n: number; more: number }>('select count(asked)::int as n, count(*) filter (where asked > quantity)::int as more from backtest_trades where run_id = $1', [runId]);
    const trades = parse(readFileSync(join(dir, 'trades.csv')), { columns: true }) as Record<string, string>[];
    expect(asked[0]).toEqual({ n: trades.length, more: trades.filter((t) => Number(t.asked) > Number(t.quantity)).length });
    expect(asked[0]!.more).toBeGreaterThan(0);
  });
});
