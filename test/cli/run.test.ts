import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, entries, tempDir } from '../support/cli.ts';

describe('backtest <start> <end> [season]', () => {
  it('runs the README command on the sample market and writes the four files', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const [run] = entries(out);
    expect(run).toMatch(/^\d{8}T\d{6}Z-[a-z-]+-[0-9a-f]{24}$/);
    expect(r.stdout).toContain(`results: ${join(out, run!)}`);
    expect(r.stdout).toMatch(/^vopa 2025-10-07 → 2026-01-02, season 2025/);
    // The headline metrics beside the benchmark's, in two columns; the verdict on the Sharpe.
    expect(r.stdout).toMatch(/│ +│ vopa +│ benchmark: buy-and-hold +│/);
    for (const metric of ['sharpe', 'max_drawdown', 'alpha', 'beta', 'information_ratio', 'ic_mean']) expect(r.stdout).toMatch(new RegExp(`│ ${metric} +│ -?[0-9]`));
    expect(r.stdout).toMatch(/│ sharpe +│ -?[0-9.]+ +│ -?[0-9.]+ +│/);
    expect(r.stdout).toMatch(/\nis it real\? the variant's Sharpe -?[0-9.]+ is (not )?distinguishable from no skill \(PSR /);
    expect(r.stdout.split('\n').length).toBeLessThan(30);
    for (const f of ['summary.csv', 'equity.csv', 'exposure.csv', 'trades.csv', 'round_trips.csv', 'manifest.json', 'diagnostics.csv', 'benchmark.csv', 'overfitting.json']) expect(existsSync(join(out, run!, f)), f).toBe(true);
    expect(existsSync(join(out, run!, 'signals.csv'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, run!, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'complete', range: { start: '2025-10-07', end: '2026-01-03', season: 2025, first_trading_day: '2025-10-07', last_trading_day: '2026-01-02' }, settings: { fill: 'open', cash: 1_000_000 } });
    expect(manifest.data.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const equity = parse(readFileSync(join(out, run!, 'equity.csv')), { columns: true }) as Record<string, string>[];
    expect(equity[0]!.date).toBe('2025-10-07');
    expect(equity.at(-1)!.date).toBe('2026-01-02');
  });

  it('prints the summary as JSON with --json, and records --fill close', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--strategy', 'buy-and-hold', '--fill', 'close', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toHaveLength(1);
    expect(Object.keys(json.summary[0])).toEqual(expect.arrayContaining(['variant', 'strategy', 'final_equity', 'sharpe', 'max_drawdown', 'turnover']));
    const manifest = JSON.parse(readFileSync(join(json.folder, 'manifest.json'), 'utf8'));
    expect(manifest.settings.fill).toBe('close');
    const trades = parse(readFileSync(join(json.folder, 'trades.csv')), { columns: true }) as Record<string, string>[];
    expect(trades[0]!.date).toBe('2025-10-07'); // filled at the start day's close, not before
  });

  it('writes signals.csv with --signals: every member on each decision day, ranked', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--signals', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const folder = JSON.parse(r.stdout).folder;
    const signals = parse(readFileSync(join(folder, 'signals.csv')), { columns: true }) as Record<string, string>[];
    expect(Object.keys(signals[0]!)).toEqual(['date', 'variant', 'symbol', 'peer_group', 'value', 'vopa', 'rank']);
    const first = signals.filter((s) => s.date === '2025-10-06');
    const ranked = first.filter((s) => s.rank !== '').sort((a, b) => Number(a.rank) - Number(b.rank));
    for (let k = 1; k < ranked.length; k++) expect(Number(ranked[k - 1]!.vopa)).toBeGreaterThanOrEqual(Number(ranked[k]!.vopa));
    const trades = parse(readFileSync(join(folder, 'trades.csv')), { columns: true }) as Record<string, string>[];
    const bought = trades.filter((t) => t.date === '2025-10-07').map((t) => t.symbol).sort();
    expect(bought).toEqual(ranked.slice(0, 10).map((s) => s.symbol!).sort()); // the first fill buys the top 10
  });

  it('loads a user strategy written in TypeScript from a path, without a build step', () => {
    const dir = tempDir();
    const file = join(dir, 'first-symbol.ts');
    writeFileSync(file, `import type { Strategy } from '${join(process.cwd(), 'src/api.ts')}';
interface Note { readonly text: string }
const note: Note = { text: 'typed' };
const strategy: Strategy = {
  name: 'first-symbol', description: note.text, params: { weight: { type: 'number', default: 0.5 } }, warmup: () => 0,
  decide(bar, p) { if (bar.decision > 0) return; const w = bar.weights(); w[0] = p.weight as number; return w; },
};
export default strategy;
`);
    const r = backtest(['2025-10-07', '2026-01-03', '--strategy', file, '--param', 'weight=0.25', '--json', '--out', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.summary[0]).toMatchObject({ strategy: 'first-symbol', weight: 0.25, fills: 1 });
  });
});
