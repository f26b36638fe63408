import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { sampleWithBorrow } from '../support/borrow.ts';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';
import { runFolder } from '../support/queue.ts';

type Row = Record<string, string>;
const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
const num = (v: string | undefined) => Number(v);

describe('costs, liquidity and capacity from the command line', () => {
  it('real S&P 500 prices: VOPA long-short with a participation limit, sqrt impact, borrow and spread; break-even as computed from the files', () => {
    const data = tempDir();
    const imported = backtest(['import', join(FIXTURES, 'sp500-4-sectors-2016-2017.csv.gz'), '--universe', join(FIXTURES, 'sp500-4-sectors-universe.csv'), '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
    const out = join(data, 'results');
    const r = backtest(['2017-01-03', '2017-12-29', '2017', '--data', data, '--param', 'bottom=10', '--max-participation', '0.01', '--impact', 'sqrt', '--borrow-bps', '50', '--spread-bps', '2', '--cash', '1e8', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^total return -?\d+\.\d\d %; break-even -?[\d,]+(\.\d)? bp of the notional traded, costs paid [\d,]+(\.\d)? bp$/m);
    const dir = runFolder(out);
    const s = csv(dir, 'summary.csv')[0]!;
    const trades = csv(dir, 'trades.csv');
    // Every model left its mark.
    for (const k of ['cost_spread', 'cost_impact', 'cost_borrow', 'unfilled_notional']) expect(num(s[k]), k).toBeGreaterThan(0);
    expect(num(s.cost_commission)).toBe(0);
    expect(trades.some((t) => num(t.asked) > num(t.quantity))).toBe(true); // the limit cut some fills
    for (const t of trades) expect(num(t.asked)).toBeGreaterThanOrEqual(num(t.quantity));
    // The second, obvious computation: from trades.csv's notional, the summary's final equity and its costs.
    const notional = trades.reduce((a, t) => a + num(t.notional), 0);
    const costs = ['cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow'].reduce((a, k) => a + num(s[k]), 0);
    expect(num(s.break_even_bps)).toBeCloseTo(((num(s.final_equity) - 1e8 + costs) / notional) * 10_000, 6);
    expect(num(s.cost_total_bps)).toBeCloseTo((costs / notional) * 10_000, 6);
    // and the per-fill attribution: half of 2 bp of spread on every fill's reference notional
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.settings.costs).toMatchObject({ spread_bps: 2, max_participation: 0.01, adv_days: 20, impact: 'sqrt', impact_k: 1, borrow_bps: 50, borrow_table: false, cash_rate: 0 });
  });

  it('--capacity on a grid writes capacity.csv, the same bytes on 1 or 2 worker threads; a limited book leaves more unfilled as it grows', () => {
    const args = ['2025-06-02', '2025-12-31', '2025', '--grid', 'top=5,10', '--param', 'bottom=5', '--max-participation', '0.02', '--impact', 'sqrt', '--capacity', '1e6,1e8,1e10'];
    const outs = [1, 2].map((workers) => {
      const out = tempDir();
      const r = backtest([...args, '--workers', String(workers), '--out', out], { env: { BACKTEST_POOL_THRESHOLD_MS: '0' } });
      expect(r.code, r.stderr).toBe(0);
      return runFolder(out);
    });
    expect(JSON.parse(readFileSync(join(outs[1]!, 'manifest.json'), 'utf8')).threads).toBe(2);
    for (const f of ['capacity.csv', 'summary.csv', 'trades.csv', 'equity.csv']) expect(readFileSync(join(outs[1]!, f), 'utf8'), f).toBe(readFileSync(join(outs[0]!, f), 'utf8'));
    const rows = csv(outs[0]!, 'capacity.csv');
    expect(Object.keys(rows[0]!)).toEqual(['variant', 'capital', 'total_return', 'sharpe', 'cost_total_bps', 'unfilled_share']);
    expect(rows.map((r) => [r.variant, r.capital])).toEqual([['1', '1000000'], ['1', '100000000'], ['1', '10000000000'], ['2', '1000000'], ['2', '100000000'], ['2', '10000000000']]);
    for (const v of ['1', '2']) {
      const share = rows.filter((r) => r.variant === v).map((r) => num(r.unfilled_share));
      expect(share[1]).toBeGreaterThan(share[0]!);
      expect(share[2]).toBeGreaterThan(share[1]!);
    }
    // the summary is the variants' own runs at --cash
    const manifest = JSON.parse(readFileSync(join(outs[0]!, 'manifest.json'), 'utf8'));
    expect(manifest.variants_finished).toBe(2);
    expect(manifest.files['capacity.csv']).toBe(6);
    expect(manifest.settings.costs.capacity).toEqual([1e6, 1e8, 1e10]);
  });

  it('--borrow-table reads the data folder\'s borrow file: its fees where it has them, and the data fingerprint with it', () => {
    const data = sampleWithBorrow('symbol,date,fee_bps\n');
    const run = (extra: string[]) => {
      const out = tempDir();
      const r = backtest(['2025-10-07', '2026-01-03', '2025', '--param', 'bottom=10', '--data', data, '--borrow-bps', '50', '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const dir = runFolder(out);
      return { dir, summary: csv(dir, 'summary.csv')[0]!, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) };
    };
    const flat = run([]);
    // The first short sale: a name the book is short from the first day; 1,000 bps a year on it.
    const short = csv(flat.dir, 'trades.csv').find((t) => t.side === 'sell')!.symbol!;
    // A row before the window (its warm-up included) is not read: give each symbol one inside it.
    writeFileSync(join(data, 'borrow.csv'), `symbol,date,fee_bps\n${short},2025-01-02,1000\n`);
    expect(run(['--borrow-table']).summary.cost_borrow).toBe(flat.summary.cost_borrow);
    writeFileSync(join(data, 'borrow.csv'), `symbol,date,fee_bps\n${short},2025-01-02,1000\n${short},2025-09-01,1000\n`);
    const table = run(['--borrow-table']);
    expect(table.manifest.data.fingerprint).not.toBe(flat.manifest.data.fingerprint);
    expect(table.manifest.data.files).toContain(join(data, 'borrow.csv'));
    expect(num(table.summary.cost_borrow)).toBeGreaterThan(num(flat.summary.cost_borrow));
    // the same file without --borrow-table is not read: the fingerprint is the plain run's
    expect(run([]).manifest.data.fingerprint).toBe(flat.manifest.data.fingerprint);
  });
});
