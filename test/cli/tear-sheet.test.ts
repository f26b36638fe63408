import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, entries, tempDir } from '../support/cli.ts';

type Row = Record<string, string>;
const csv = (folder: string, file: string) => parse(readFileSync(join(folder, file)), { columns: true }) as Row[];

describe('the tear sheet in summary.csv, --json and the terminal', () => {
  it('--json carries every summary column, the benchmark\'s metrics and the statistics\' verdict', () => {
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const header = readFileSync(join(json.folder, 'summary.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(Object.keys(json.summary[0])).toEqual(header);
    for (const k of ['alpha', 'beta', 'information_ratio', 'tracking_error', 'skewness', 'kurtosis', 'var_95', 'win_rate', 'avg_positions', 'psr', 'dsr']) {
      expect(typeof json.summary[0][k], k).toBe('number');
    }
    expect(json.benchmark).toMatchObject({ kind: 'buy-and-hold', label: 'buy-and-hold' });
    expect(typeof json.benchmark.sharpe).toBe('number');
    expect(json.benchmark.alpha).toBeUndefined(); // against itself: nothing to say
    // Building the first book is not turnover: buy-and-hold of a quarter turns over (almost) nothing.
    expect(json.benchmark.turnover).toBeLessThan(0.05);
    expect(json.statistics.verdict).toMatch(/^the variant's Sharpe/);
    expect(json.statistics.pbo_is_sharpe).toBeUndefined();
  });

  it('--benchmark equal-weight, a symbol of the data, or a file of daily returns; --risk-free moves Sharpe and alpha', () => {
    const out = tempDir();
    const run = (...extra: string[]) => {
      const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const plain = run();
    const ew = run('--benchmark', 'equal-weight');
    expect(ew.benchmark).toMatchObject({ kind: 'equal-weight', label: 'equal-weight' });
    expect(ew.benchmark.fills).toBeNull();
    expect(ew.summary[0].sharpe).toBe(plain.summary[0].sharpe); // the variant is the same; only the comparison moves
    expect(ew.summary[0].beta).not.toBe(plain.summary[0].beta);
    // A symbol of the data: its own close-to-close returns, checked by hand from the file the run wrote.
    const symbol = csv(plain.folder, 'trades.csv')[0]!.symbol!;
    const one = run('--benchmark', symbol);
    expect(one.benchmark).toMatchObject({ kind: 'symbol', label: symbol });
    // The same returns as a file: the same benchmark-relative numbers.
    const returns = csv(one.folder, 'benchmark.csv');
    const file = join(tempDir(), 'bench.csv');
    writeFileSync(file, `date,return\n${returns.map((b) => `${b.date},${b.return}`).join('\n')}\n`);
    const fromFile = run('--benchmark', file);
    expect(fromFile.benchmark.kind).toBe('file');
    for (const k of ['alpha', 'beta', 'information_ratio', 'tracking_error', 'correlation', 'up_capture', 'down_capture']) expect(fromFile.summary[0][k], k).toBe(one.summary[0][k]);
    const rf = run('--risk-free', '0.04');
    expect(rf.summary[0].sharpe).toBeLessThan(plain.summary[0].sharpe);
    expect(rf.summary[0].total_return).toBe(plain.summary[0].total_return);
    const manifest = JSON.parse(readFileSync(join(rf.folder, 'manifest.json'), 'utf8'));
    expect(manifest.settings).toMatchObject({ risk_free: 0.04, benchmark: { kind: 'buy-and-hold' } });
  });

  it('bad benchmarks and rates: exit 2, one line, nothing written', () => {
    const out = tempDir();
    const short = join(tempDir(), 'short.csv');
    writeFileSync(short, 'date,return\n2025-10-07,0.01\n');
    const cases: Array<[string[], RegExp]> = [
      [['--benchmark', 'NOPE'], /^backtest: --benchmark NOPE: no such symbol in the data\n$/],
      [['--benchmark', short], /^backtest: --benchmark .*short\.csv: no return for 63 of the run's 64 trading days \(the first: 2025-10-08\)/],
      [['--benchmark', 'missing.csv'], /^backtest: --benchmark missing\.csv: no such file/],
      [['--risk-free', 'abc'], /^backtest: --risk-free abc: not a number\n$/],
      [['--risk-free', '1.5'], /^backtest: --risk-free 1\.5: must be between −1 and 1/],
    ];
    for (const [args, message] of cases) {
      const r = backtest(['2025-10-07', '2026-01-03', '2025', '--out', out, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(entries(out)).toEqual([]);
  });
});

describe('exposure.csv and round_trips.csv', () => {
  it('a long-short book: exposure by peer group sums to the equity curve\'s long and short; trips sum to the profit', () => {
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--param', 'bottom=5', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    const { folder } = JSON.parse(r.stdout);
    const equity = csv(folder, 'equity.csv');
    const byDay = new Map<string, [number, number]>();
    for (const e of csv(folder, 'exposure.csv')) {
      const x = byDay.get(e.date!) ?? [0, 0];
      byDay.set(e.date!, [x[0] + Number(e.long), x[1] + Number(e.short)]);
    }
    for (const e of equity) {
      const [long, short] = byDay.get(e.date!) ?? [0, 0];
      expect(long).toBeCloseTo(Number(e.long) / Number(e.equity), 12);
      expect(short).toBeCloseTo(Number(e.short) / Number(e.equity), 12);
    }
    const trips = csv(folder, 'round_trips.csv');
    expect(trips.some((t) => t.side === 'short')).toBe(true);
    const profit = trips.reduce((a, t) => a + Number(t.pnl), 0);
    expect(profit).toBeCloseTo(Number(equity.at(-1)!.equity) - 1_000_000, 4);
  });
});
