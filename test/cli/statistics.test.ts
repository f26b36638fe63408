import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, entries, tempDir } from '../support/cli.ts';

describe('is the best variant real? the overfitting statistics of a sweep', () => {
  const GRID = ['2025-01-02', '2025-12-31', '2025', '--grid', 'lookback=20:120:10', '--grid', 'top=5:25:5'];

  it('the issue\'s sweep prints the verdict; overfitting.json and the summary columns exist; the numbers do not depend on the threads', () => {
    const out = tempDir();
    const one = backtest([...GRID, '--workers', '1', '--json', '--out', out], { env: { BACKTEST_POOL_THRESHOLD_MS: '0' } });
    const two = backtest([...GRID, '--workers', '2', '--out', out], { env: { BACKTEST_POOL_THRESHOLD_MS: '0' } });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/\nis it real\? the best variant's Sharpe [0-9.]+ (stands out from|is not distinguishable from) the best of 55 (independent )?tries of no skill/);
    const [a, b] = entries(out).map((d) => join(out, d));
    const stats = JSON.parse(readFileSync(join(a!, 'overfitting.json'), 'utf8'));
    expect(stats).toMatchObject({ trials: 55, seed: 1, bootstrap_reps: 1000, pbo_blocks: 16, pbo_splits: 12870, days: 260 });
    expect(stats.pbo).toBeGreaterThanOrEqual(0);
    expect(stats.pbo).toBeLessThanOrEqual(1);
    expect(stats.pbo_logit_histogram.counts.reduce((x: number, y: number) => x + y, 0)).toBe(12870);
    expect(stats.pbo_scatter.is_sharpe.length).toBeLessThanOrEqual(2000);
    expect(typeof stats.spa_pvalue).toBe('number');
    const summary = readFileSync(join(a!, 'summary.csv'), 'utf8');
    for (const c of ['psr', 'dsr', 'min_track_record_days', 'sharpe_ci_low', 'sharpe_ci_high']) expect(summary.split('\n')[0]).toContain(c);
    // The same numbers whatever ran the variants: the statistics and the summary, byte for byte.
    for (const f of ['overfitting.json', 'summary.csv']) expect(readFileSync(join(b!, f), 'utf8'), f).toBe(readFileSync(join(a!, f), 'utf8'));
    const inspect = backtest(['inspect', a!]);
    expect(inspect.stdout).toMatch(/\nis it real\? the best variant's Sharpe/);
    expect(inspect.stdout).toMatch(/│ dsr +│/);
  });

  it('--rank-by dsr ranks by it; with --no-statistics it is refused, and no statistics are written', () => {
    const out = tempDir();
    const r = backtest([...GRID.slice(0, 3), '--grid', 'top=5,10,15', '--rank-by', 'dsr', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dsr = JSON.parse(r.stdout).summary.map((s: { dsr: number }) => s.dsr);
    expect(dsr).toEqual([...dsr].sort((x, y) => y - x));
    const off = backtest([...GRID.slice(0, 3), '--grid', 'top=5,10', '--rank-by', 'dsr', '--no-statistics', '--out', out]);
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/^backtest: --rank-by dsr: the overfitting statistics are turned off \(--no-statistics\)/);
    const none = backtest([...GRID.slice(0, 3), '--grid', 'top=5,10', '--no-statistics', '--json', '--out', out]);
    expect(none.code, none.stderr).toBe(0);
    expect(entries(JSON.parse(none.stdout).folder)).not.toContain('overfitting.json');
  });

  it('bad settings: exit 2 and one line; a run too short for PBO still runs and says why it is missing', () => {
    const out = tempDir();
    const bad: Array<[string[], RegExp]> = [
      [['--pbo-blocks', '7'], /--pbo-blocks 7: must be an even whole number from 4 to 20/],
      [['--pbo-blocks', '2'], /--pbo-blocks 2: must be an even whole number/],
      [['--pbo-blocks', '20', '--grid', 'top=5,10'], /--pbo-blocks 20: each block needs at least 2 days, so 20 blocks need 40; the run has 9 days/],
      [['--bootstrap-reps', '50'], /--bootstrap-reps 50: must be from 100 to 100,000/],
    ];
    for (const [args, message] of bad) {
      const r = backtest(['2025-12-01', '2025-12-11', '2025', '--out', out, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(entries(out)).toEqual([]);
    const short = backtest(['2025-12-01', '2025-12-11', '2025', '--grid', 'top=5,10', '--json', '--out', out]);
    expect(short.code, short.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(join(JSON.parse(short.stdout).folder, 'overfitting.json'), 'utf8'));
    expect(stats.pbo).toBeNull();
    expect(stats.why_missing.pbo).toBe('PBO needs 2 days a block: 16 blocks need 32 days; the run has 9');
  });
});

describe('a large sweep keeps its files small', () => {
  it('above 100 variants, only the best 20 variants\' tables are written by default, and it says so; --save all writes all', () => {
    const out = tempDir();
    const args = ['2025-10-07', '2025-12-31', '2025', '--grid', 'lookback=20:30', '--grid', 'top=5:14', '--no-statistics', '--json', '--out', out];
    const r = backtest(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: per-variant tables \(equity, trades, diagnostics\) are written for the best 20 of the 110 variants by sharpe only \(the default above 100\); --save all writes every variant's/);
    const { folder, summary } = JSON.parse(r.stdout);
    const variants = new Set(readFileSync(join(folder, 'equity.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1])));
    expect([...variants].sort((a, b) => a - b)).toEqual(summary.slice(0, 20).map((s: { variant: number }) => s.variant).sort((a: number, b: number) => a - b));
    const all = backtest([...args, '--save', 'all']);
    expect(all.stderr).not.toMatch(/per-variant tables/);
    expect(new Set(readFileSync(join(JSON.parse(all.stdout).folder, 'equity.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1])).size).toBe(110);
  });
});
