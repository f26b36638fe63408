import { describe, expect, it } from 'vitest';
import { backtestAsync, tempDir } from '../support/cli.ts';
import { queueSuite, readResults, runFolder, startWorker } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

// The README's walk-forward: 24 VOPA variants over the sample market's 2023–2025, folds of 252 and 63 days.
const RUN = ['2023-01-03', '2025-12-31', '--grid', 'lookback=20:120:20', '--grid', 'top=5:20:5', '--walk-forward', 'train=252,test=63'];

describe.skipIf(!REDIS_SERVER_BIN)('a walk-forward on the queue (--queue)', () => {
  const suite = queueSuite(RUN);

  it('gives the local run\'s files byte for byte — folds.csv, oos_equity.csv and summary.csv\'s oos row with the rest', async () => {
    const url = suite.redis.url(0);
    for (let k = 0; k < 2; k++) suite.workers.push(startWorker(url));
    await Promise.all(suite.workers.map((w) => w.waitFor(/waiting for jobs/)));
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/walk-forward \(--walk-forward train=252,test=63\): 7 folds/);
    const files = readResults(runFolder(out));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['folds.csv', 'oos_equity.csv', 'summary.csv']));
    expect(files['summary.csv']).toMatch(/\noos,vopa,ok,/);
    expect(files).toEqual(suite.local);
  });

  it('--save none: the workers ship the equity curves only, and the walk-forward is the same', async () => {
    const url = suite.redis.url(0);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--save', 'none', '--queue', url, '--chunk-size', '6', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const files = readResults(runFolder(out));
    expect(files['equity.csv']).toBeUndefined();
    for (const file of ['folds.csv', 'oos_equity.csv', 'summary.csv']) expect(files[file], file).toBe(suite.local[file]);
  });
});
