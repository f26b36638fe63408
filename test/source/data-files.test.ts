import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { backtest, entries, FIXTURES, tempDir } from '../support/cli.ts';

/** A data folder with the sample's universe and `prices` as given. */
function folder(name: string, prices: Buffer | string): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), prices);
  copyFileSync(join(SAMPLE_DATA_DIR, 'universe.parquet'), join(dir, 'universe.parquet'));
  return dir;
}

/** Runs the README command on `dir`: exit 2, one line on stderr, no run folder. */
function refused(dir: string): string {
  const out = tempDir();
  const r = backtest(['2025-10-07', '2026-01-03', '2025', '--data', dir, '--out', out, '--source', 'local']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(entries(out)).toEqual([]);
  return r.stderr.trim();
}

const samplePrices = () => readFileSync(join(SAMPLE_DATA_DIR, 'prices.parquet'));

describe('a data folder whose files cannot be used (a run, as a real process)', () => {
  it('a Yahoo-style CSV saved as prices.csv: which columns it has, which are needed, and that backtest import converts it', () => {
    const dir = folder('prices.csv', readFileSync(join(FIXTURES, 'goog-2004-2005.csv')));
    const line = refused(dir);
    expect(line).toBe(`backtest: ${join(dir, 'prices.csv')} has the columns ,Open,High,Low,Close,Volume; a data folder's CSV needs symbol,date,open,high,low,close,volume`
      + ' — `backtest import FILE --data DIR` converts price files (long or Yahoo-style) into a data folder');
  });

  it('a Parquet file cut short, a CSV renamed .parquet, a damaged footer, a missing column', () => {
    const prices = samplePrices();
    expect(refused(folder('prices.parquet', prices.subarray(0, prices.length >> 1)))).toMatch(/prices\.parquet is cut short \(its Parquet footer is missing\); re-create it with `backtest import`$/);
    expect(refused(folder('prices.parquet', 'symbol,date,close\nA,2024-01-02,1\n'))).toMatch(/prices\.parquet is not a Parquet file; re-create it with `backtest import`$/);
    const damaged = Buffer.from(prices);
    for (let k = damaged.length - 400; k < damaged.length - 8; k++) damaged[k]! ^= 0x5a; // the footer's metadata, magic bytes kept
    expect(refused(folder('prices.parquet', damaged))).toMatch(/backtest: .*prices\.parquet cannot be read: .*; re-create it with `backtest import`$/);
  });

  it('a Parquet file without a column the contract needs names the file and the column', async () => {
    const dir = tempDir();
    copyFileSync(join(SAMPLE_DATA_DIR, 'universe.parquet'), join(dir, 'universe.parquet'));
    const { openDuck } = await import('../../src/source/local/duckdb.ts');
    const duck = await openDuck();
    try {
      await duck.connection.run(`COPY (SELECT * EXCLUDE (volume) FROM read_parquet('${join(SAMPLE_DATA_DIR, 'prices.parquet')}')) TO '${join(dir, 'prices.parquet')}' (FORMAT parquet)`);
    } finally {
      duck.close();
    }
    expect(refused(dir)).toMatch(/prices\.parquet has no column "volume" \(it has symbol, date, open, high, low, close\); re-create it with `backtest import`$/);
  });
});

describe('backtest import as a real process', () => {
  it('--data naming a file: exit 2, one line', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const r = backtest(['import', join(FIXTURES, 'goog-2004-2005.csv'), '--data', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`backtest: import: --data ${file} is a file, not a folder\n`);
  });

  it('says what it replaced, and with --append what it added and replaced', () => {
    const dir = join(tempDir(), 'store');
    const orcl = join(FIXTURES, 'orcl-1995-2014.txt');
    const goog = join(FIXTURES, 'goog-2004-2005.csv');
    const first = backtest(['import', orcl, '--data', dir]);
    expect(first.stdout).toBe(`imported 5,036 price rows of 1 symbol(s), 1995-01-03 … 2014-12-31, and 20 universe rows (seasons 1995–2014) into ${dir}\n`);
    const appended = backtest(['import', goog, '--data', dir, '--append']);
    expect(appended.stdout).toBe(`imported 5,336 price rows of 2 symbol(s), 1995-01-03 … 2014-12-31, and 22 universe rows (seasons 1995–2014) into ${dir}, `
      + 'which held 5,036 rows of 1 symbol(s): 300 rows added, 0 replaced (same symbol and date)\n');
    const replaced = backtest(['import', goog, '--data', dir]);
    expect(replaced.stdout).toBe(`imported 300 price rows of 1 symbol(s), 2004-08-19 … 2005-10-25, and 2 universe rows (seasons 2004–2005) into ${dir}, `
      + 'replacing the 5,336 rows of 2 symbol(s) it held\n');
  });
});
