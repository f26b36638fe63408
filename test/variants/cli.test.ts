import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, BIN, entries, FIXTURES, ROOT, tempDir } from '../support/cli.ts';

const csv = (file: string) => parse(readFileSync(file), { columns: true }) as Record<string, string>[];

describe('backtest --grid', () => {
  it('runs a grid: one summary row per variant with its parameters, sorted by --rank-by', () => {
    const out = tempDir();
    const r = backtest(['2025-06-02', '2025-12-31', '2025', '--grid', 'lookback=21,63', '--grid', 'top=5:15:5', '--param', 'rebalance=10', '--rank-by', 'total_return', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const summary = csv(join(json.folder, 'summary.csv'));
    expect(summary).toHaveLength(6);
    expect(summary.map((s) => `${s.lookback}/${s.top}/${s.rebalance}`).sort()).toEqual(['21/10/10', '21/15/10', '21/5/10', '63/10/10', '63/15/10', '63/5/10']);
    const returns = summary.map((s) => Number(s.total_return));
    expect(returns).toEqual([...returns].sort((a, b) => b - a)); // best first
    // variant ids follow the expansion (lookback outer, top inner), whatever the ranking
    const byId = Object.fromEntries(summary.map((s) => [s.variant, `${s.lookback}/${s.top}`]));
    expect(byId).toEqual({ 1: '21/5', 2: '21/10', 3: '21/15', 4: '63/5', 5: '63/10', 6: '63/15' });
    const equity = csv(join(json.folder, 'equity.csv'));
    expect(new Set(equity.map((e) => e.variant)).size).toBe(6);
    const manifest = JSON.parse(readFileSync(join(json.folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'complete', variants_planned: 6, variants_finished: 6, rank_by: 'total_return', grid: { axes: { lookback: [21, 63], top: [5, 10, 15] }, fixed: { rebalance: 10 } } });
  });

  it('writes only the tables --save asks for', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--save', 'none', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(entries(JSON.parse(r.stdout).folder)).toEqual(['benchmark.csv', 'manifest.json', 'overfitting.json', 'summary.csv']);
  });

  it('Ctrl-C stops the workers and keeps the variants that finished, marked partial', async () => {
    const out = tempDir();
    const strategy = join(FIXTURES, 'strategies/fragile.ts');
    const child = spawn(process.execPath, [BIN, '2025-10-07', '2025-12-31', '--strategy', strategy, '--grid', 'names=1:60', '--param', 'slowMs=4', '--workers', '2', '--json', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, BACKTEST_POOL_THRESHOLD_MS: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopping; finished work is kept/);
    const json = JSON.parse(stdout);
    expect(json.status).toBe('partial');
    const manifest = JSON.parse(readFileSync(join(json.folder, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('partial');
    expect(manifest.variants_finished).toBeGreaterThan(0);
    expect(manifest.variants_finished).toBeLessThan(60);
    expect(manifest.missing_variants).toHaveLength(60 - manifest.variants_finished);
    expect(csv(join(json.folder, 'summary.csv'))).toHaveLength(manifest.variants_finished);
  });
});
