import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { openDuck, queryRows, sqlString } from '../../src/source/local/duckdb.ts';
import { sampleWithBorrow } from '../support/borrow.ts';
import { backtestAsync, tempDir } from '../support/cli.ts';
import { queueSuite, readResults, runFolder, startWorker } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

/** A borrow file giving every 2025 member a fee from 2025-07-01 (inside the run's window), `bump` bps more in the other copy. */
async function borrowFile(bump = 0): Promise<string> {
  const duck = await openDuck();
  try {
    const rows = await queryRows(duck, `SELECT DISTINCT symbol FROM read_parquet(${sqlString(join(SAMPLE_DATA_DIR, 'universe.parquet'))}) WHERE season = 2025 ORDER BY symbol`);
    return `symbol,date,fee_bps\n${rows.map((r, k) => `${String(r.symbol)},2025-07-01,${100 + (k % 7) * 50 + bump}`).join('\n')}\n`;
  } finally {
    duck.close();
  }
}

const data = sampleWithBorrow(await borrowFile());
// 2 VOPA variants, each also at 3 capitals (8 simulations), with every cost model and the borrow table.
const RUN = [
  '2025-06-02', '2025-12-31', '2025', '--data', data, '--grid', 'top=5,10', '--param', 'bottom=5', '--max-participation', '0.02', '--impact', 'sqrt',
  '--spread-bps', '2', '--borrow-table', '--borrow-bps', '30', '--cash-rate', '0.02', '--capacity', '1e6,1e8,1e10',
];

describe.skipIf(!REDIS_SERVER_BIN)('costs and --capacity on the queue', () => {
  const suite = queueSuite(RUN);
  const { workers } = suite;

  it('capacity points travel as jobs like variants: the local run\'s files, capacity.csv included, byte for byte', async () => {
    expect(Object.keys(suite.local)).toContain('capacity.csv');
    const url = suite.redis.url(0);
    const worker = startWorker(url, ['--data', data]);
    workers.push(worker);
    await worker.waitFor(/waiting for jobs/);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    expect(readResults(dir)).toEqual(suite.local);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.execution).toMatchObject({ kind: 'queue', chunk_size: 3, chunks: 3 }); // 8 simulations in jobs of 3
    expect(manifest.variants_finished).toBe(2);
  });

  it('a worker whose borrow table differs refuses the run: the table is part of the data fingerprint', async () => {
    const other = sampleWithBorrow(await borrowFile(25));
    const url = suite.redis.url(1);
    const stranger = startWorker(url, ['--data', other]);
    workers.push(stranger);
    await stranger.waitFor(/waiting for jobs/);
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '4', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/refuses run \S+: its local data \S+ has fingerprint sha256:[0-9a-f]{64} for the run's window, the coordinator's data/);
  });
});
