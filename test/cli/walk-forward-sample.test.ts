import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, backtestAsync, tempDir } from '../support/cli.ts';
import { serverEnv, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

/**
 * Walk-forward on the sample market: the README's command, what inspect, --sql and the upload make
 * of its files, and the README's claim about when a fold's in-sample numbers equal a fresh run's.
 */
type Row = Record<string, string>;
const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
const folderOf = (stdout: string) => /^results: (.+)$/m.exec(stdout)?.[1] ?? (JSON.parse(stdout) as { folder: string }).folder;

const README = ['2023-01-03', '2025-12-31', '--grid', 'lookback=20:120:20', '--grid', 'top=5:20:5', '--walk-forward', 'train=252,test=63'];

describe('the README\'s walk-forward on the sample market', () => {
  const out = tempDir();
  let stdout = '';
  let dir = '';
  beforeAll(() => {
    const r = backtest([...README, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
    dir = folderOf(r.stdout);
  });

  it('prints the folds with the in-sample and out-of-sample metric side by side, the stitched record and the efficiency', () => {
    // 662 trading days from 2023-06-20 (the longest lookback's warm-up): tests from day 252, 63 days each, the last 32.
    expect(stdout).toMatch(/walk-forward \(--walk-forward train=252,test=63\): 7 folds, each choosing by sharpe on its training days:/);
    expect(stdout).toMatch(/│ fold │ test\s+│ variant │ lookback │ top │ is_sharpe │ oos_sharpe │/);
    expect(stdout).toMatch(/│ 7\s+│ 2025-11-18 → 2025-12-31 │/);
    expect(stdout).toMatch(/^out of sample, one account \(2024-06-06 → 2025-12-31, 410 days\): total return -?\d+\.\d\d %, sharpe/m);
    expect(stdout).toMatch(/^walk-forward efficiency -?\d+\.\d\d: annualised -?\d+\.\d\d % out of sample ÷ \d+\.\d\d % in sample/m);
    expect(stdout).toMatch(/^choices: the variant changed at \d of 6 fold boundaries/m);
    const folds = csv(dir, 'folds.csv');
    expect(folds.map((f) => f.test_days)).toEqual(['63', '63', '63', '63', '63', '63', '32']);
    expect(csv(dir, 'oos_equity.csv')).toHaveLength(410);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files['folds.csv']).toBe(7);
    expect(manifest.files['summary.csv']).toBe(25); // 24 variants and the oos row
    expect(manifest.walk_forward).toMatchObject({ spec: '--walk-forward train=252,test=63', folds: 7, oos_days: 410, before_first_test: 'cash', first_oos_day: '2024-06-06' });
  });

  it('inspect shows the walk-forward (and --json has it); --sql reads folds, oos_equity and oos_summary, and summary holds the variants only', async () => {
    const shown = backtest(['inspect', dir]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/top 10 of 24 variant\(s\) by sharpe/);
    expect(shown.stdout).toMatch(/walk-forward \(--walk-forward train=252,test=63\): 7 fold\(s\)/);
    expect(shown.stdout).toMatch(/^walk-forward efficiency /m);
    const json = JSON.parse(backtest(['inspect', dir, '--json']).stdout);
    expect(json.walk_forward.folds).toHaveLength(7);
    expect(json.walk_forward.oos.variant).toBe('oos');
    const q = (sql: string) => JSON.parse(backtest(['inspect', dir, '--json', '--sql', sql]).stdout) as Array<Record<string, unknown>>;
    expect(q('SELECT count(*) AS n, min(variant) AS lo, max(variant) AS hi FROM summary')).toEqual([{ n: 24, lo: 1, hi: 24 }]);
    const [oos] = q('SELECT variant, status, total_return FROM oos_summary');
    expect(oos).toEqual({ variant: 'oos', status: 'ok', total_return: Number(csv(dir, 'summary.csv').at(-1)!.total_return) });
    expect(q('SELECT fold, count(*) AS days, min(date) AS first FROM oos_equity GROUP BY fold ORDER BY fold').map((r) => r.days)).toEqual([63, 63, 63, 63, 63, 63, 32]);
    expect(q('SELECT f.fold, s.sharpe IS NOT NULL AS ranked FROM folds f JOIN summary s ON s.variant = f.variant ORDER BY f.fold')).toHaveLength(7);
  });

  describe('upload', () => {
    let server: PostgrestServer;
    beforeAll(async () => { server = await startPostgrest(); });
    afterAll(async () => server?.close());

    it('sends the folds to backtest_folds, the stitched record to backtest_oos_equity and its summary row as variant 0', async () => {
      const r = await backtestAsync(['upload', dir], { env: serverEnv(server), cwd: tempDir() });
      expect(r.code, r.stderr).toBe(0);
      const runId = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).run_id as string;
      const one = async (sql: string) => (await server.db.query<Record<string, unknown>>(sql, [runId])).rows;
      expect(await one('select count(*)::int as n from backtest_folds where run_id = $1')).toEqual([{ n: 7 }]);
      expect(await one('select count(*)::int as n from backtest_oos_equity where run_id = $1')).toEqual([{ n: 410 }]);
      const folds = csv(dir, 'folds.csv');
      const stored = await one('select fold, variant_id, rank_by, is_value, oos_value, oos_rank, params from backtest_folds where run_id = $1 order by fold');
      expect(stored.map((s) => [s.fold, s.variant_id, s.rank_by, s.is_value, s.oos_value, s.oos_rank])).toEqual(folds.map((f) => [Number(f.fold), Number(f.variant), 'sharpe', Number(f.is_sharpe), Number(f.oos_sharpe), Number(f.oos_rank)]));
      expect((stored[0]!.params as Record<string, unknown>).lookback).toBe(Number(folds[0]!.lookback));
      const variant0 = await one('select variant_id, status, params, total_return from backtest_variants where run_id = $1 and variant_id = 0');
      expect(variant0).toEqual([{ variant_id: 0, status: 'ok', params: {}, total_return: Number(csv(dir, 'summary.csv').at(-1)!.total_return) }]);
      expect(await one(`select status from backtest_runs where run_id = $1`)).toEqual([{ status: 'complete' }]);
    });
  });
});

describe('a fold\'s in-sample numbers and a fresh run over its training days (README: "Walk-forward")', () => {
  const RANGE = ['2025-01-02', '2025-09-30', '2025', '--strategy', 'momentum', '--grid', 'lookback=10,20', '--grid', 'top=5,10'];
  /** Each variant's equity.csv rows (date → equity and return), by variant. */
  const curves = (dir: string) => {
    const out = new Map<string, Map<string, { equity: string; ret: number }>>();
    for (const r of csv(dir, 'equity.csv')) {
      if (!out.has(r.variant!)) out.set(r.variant!, new Map());
      out.get(r.variant!)!.set(r.date!, { equity: r.equity!, ret: Number(r.return) });
    }
    return out;
  };
  const run = (args: readonly string[]) => {
    const r = backtest([...args, '--json', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    return folderOf(r.stdout);
  };

  it('anchored (training from the first day): the very same numbers, with costs and whole shares — the equity curves to the last bit, and the choice and its metric', () => {
    const costs = ['--commission-bps', '3', '--slippage-bps', '2'];
    const whole = run([...RANGE, ...costs, '--walk-forward', 'train=60,test=30,anchored']);
    const fold = csv(whole, 'folds.csv')[2]!; // trains on days 0–119
    expect(fold.train_days).toBe('120');
    const fresh = run([RANGE[0]!, fold.train_end!, ...RANGE.slice(2), ...costs]);
    const a = curves(whole), b = curves(fresh);
    for (const [variant, days] of b) {
      expect(days.size).toBe(120);
      for (const [date, v] of days) expect(a.get(variant)!.get(date)!.equity, `variant ${variant} on ${date}`).toBe(v.equity);
    }
    const best = csv(fresh, 'summary.csv')[0]!;
    expect([fold.variant, fold.is_sharpe]).toEqual([best.variant, best.sharpe]);
  });

  it('rolling: with fractional shares, no costs and targets from the data alone at every decision, the same daily returns from the second training day on; the first differs', () => {
    const args = [...RANGE, '--param', 'rebalance=1', '--fractional'];
    const whole = run([...args, '--walk-forward', 'train=60,test=30']);
    const fold = csv(whole, 'folds.csv')[2]!; // trains on days 60–119
    const fresh = run([fold.train_start!, fold.train_end!, ...args.slice(2)]);
    const a = curves(whole), b = curves(fresh);
    for (const [variant, days] of b) {
      const dates = [...days.keys()];
      expect(dates[0]).toBe(fold.train_start);
      expect(a.get(variant)!.get(dates[0]!)!.ret).not.toBe(days.get(dates[0]!)!.ret);
      for (const date of dates.slice(1)) expect(Math.abs(a.get(variant)!.get(date)!.ret - days.get(date)!.ret), `variant ${variant} on ${date}`).toBeLessThan(1e-12);
    }
  });

  it('rolling with whole shares: the returns differ (the books are sized from different equity), as the README says', () => {
    const args = [...RANGE, '--param', 'rebalance=1'];
    const whole = run([...args, '--walk-forward', 'train=60,test=30']);
    const fold = csv(whole, 'folds.csv')[2]!;
    const fresh = run([fold.train_start!, fold.train_end!, ...args.slice(2)]);
    const a = curves(whole), b = curves(fresh);
    let worst = 0;
    for (const [variant, days] of b) for (const [date, v] of [...days].slice(1)) worst = Math.max(worst, Math.abs(a.get(variant)!.get(date)!.ret - v.ret));
    expect(worst).toBeGreaterThan(1e-9);
  });
});
