import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';

const strategy = join(FIXTURES, 'strategies/with-setup.ts');
const trades = (folder: string) => parse(readFileSync(join(folder, 'trades.csv')), { columns: true }) as Record<string, string>[];

describe('a strategy setup, once per run', () => {
  it('gives its data to every decision, here and in worker threads', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--strategy', strategy, '--grid', 'nth=0:5', '--workers', '2', '--json', '--out', out], { env: { BACKTEST_POOL_THRESHOLD_MS: '0' } });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const manifest = JSON.parse(readFileSync(join(json.folder, 'manifest.json'), 'utf8'));
    expect(manifest.threads).toBe(2);
    // The same warning from six variants is one line, with the count; the details keep the examples.
    expect(manifest.warnings).toContain('6 variants: picked via universe');
    expect(manifest.warning_details).toContainEqual(expect.objectContaining({ variants: 6, message: '6 variants: picked via universe' }));
    const bought = new Map(trades(json.folder).map((t) => [Number(t.variant), t.symbol]));
    const symbols = [...bought.values()];
    expect(new Set(symbols).size).toBe(6); // six variants, six different picks
    expect(symbols).toEqual([...symbols].sort()); // nth = 0 … 5 of the sorted universe
  });

  it('a failing setup is a clear error naming the strategy (exit 1), and nothing is written', () => {
    const dir = tempDir();
    const file = join(dir, 'broken-setup.ts');
    writeFileSync(file, `export default { name: 'broken-setup', description: '', params: {}, warmup: () => 0, setup() { throw new Error('no fundamentals'); }, decide() {} };\n`);
    const r = backtest(['2025-10-07', '2026-01-03', '--strategy', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('backtest: strategy broken-setup failed in setup: no fundamentals [E_STRATEGY]\n');
  });
});
