import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRun, openRunTables } from '../../src/inspect/index.ts';
import { MAX_POINTS, reportData, type ReportData, type ReportOptions } from '../../src/report/index.ts';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';
import { grid90Run } from '../support/grid-run.ts';

type Row = Record<string, string>;
const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

async function dataOf(dir: string, options: ReportOptions = {}): Promise<ReportData> {
  const tables = await openRunTables(findRun(dir, { out: '.' }));
  try {
    return await reportData(tables, options);
  } finally {
    tables.close();
  }
}

let grid: string;
let gridData: ReportData;
beforeAll(async () => {
  grid = (await grid90Run(tempDir())).dir;
  gridData = await dataOf(grid);
});

describe('report data of a 90-variant grid', () => {
  it('ranks the table by sharpe and draws the top 5 against the benchmark, day by day as the CSVs hold them', () => {
    const summary = csv(grid, 'summary.csv').sort((a, b) => Number(b.sharpe) - Number(a.sharpe));
    const variantCol = gridData.table.columns.indexOf('variant');
    expect(gridData.table.rows.map((r) => r[variantCol])).toEqual(summary.map((s) => Number(s.variant)));
    expect(gridData.top.variants).toEqual(summary.slice(0, 5).map((s) => Number(s.variant)));
    expect(gridData.top.labels[0]).toBe(`#${summary[0]!.variant} lookback=${summary[0]!.lookback} top=${summary[0]!.top}`);

    const equity = csv(grid, 'equity.csv');
    const bench = csv(grid, 'benchmark.csv');
    expect(gridData.equity!.dates).toEqual(bench.map((b) => b.date));
    expect(gridData.equity!.benchmark).toEqual(bench.map((b) => Number(b.equity)));
    expect(gridData.drawdown!.benchmark).toEqual(bench.map((b) => Number(b.drawdown)));
    gridData.top.variants.forEach((v, k) => {
      const mine = equity.filter((e) => Number(e.variant) === v);
      expect(gridData.equity!.values[k]).toEqual(mine.map((e) => Number(e.equity)));
      expect(gridData.drawdown!.values[k]).toEqual(mine.map((e) => Number(e.drawdown)));
    });
    expect(gridData.equity!.bucket).toBe(1);
  });

  it('monthly returns of the best variant: last equity of a month over the last of the month before (the cash before the first)', () => {
    const best = String(gridData.top.variants[0]);
    const rows = csv(grid, 'equity.csv').filter((e) => e.variant === best);
    const cash = JSON.parse(readFileSync(join(grid, 'manifest.json'), 'utf8')).settings.cash as number;
    const monthEnd = new Map<string, number>();
    for (const r of rows) monthEnd.set(r.date!.slice(0, 7), Number(r.equity));
    let before = cash;
    const expected: Record<string, number> = {};
    for (const [month, end] of monthEnd) {
      expected[month] = end / before - 1;
      before = end;
    }
    const got = Object.fromEntries(gridData.monthly!.cells.map(([m, y, v]) => [`${gridData.monthly!.years[y]}-${String(m + 1).padStart(2, '0')}`, v]));
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const month of Object.keys(expected)) expect(got[month]).toBeCloseTo(expected[month]!, 10);
  });

  it('IC per decision day of the best variant, with its trailing mean of 10 days, and quintile spreads from summary.csv', () => {
    const best = String(gridData.top.variants[0]);
    const days = csv(grid, 'diagnostics.csv').filter((d) => d.variant === best);
    expect(gridData.ic!.dates).toEqual(days.map((d) => d.date));
    const ics = days.map((d) => num(d.ic));
    expect(gridData.ic!.ic).toEqual(ics);
    expect(ics.at(-1)).toBeNull(); // the last decision's forward return ends after the range
    ics.forEach((_, k) => {
      const window = ics.slice(0, k + 1).filter((v): v is number => v !== null).slice(-10);
      if (window.length < 3) expect(gridData.ic!.mean[k]).toBeNull();
      else expect(gridData.ic!.mean[k]).toBeCloseTo(window.reduce((s, v) => s + v, 0) / window.length, 12);
    });
    const summary = csv(grid, 'summary.csv').sort((a, b) => Number(b.sharpe) - Number(a.sharpe)).slice(0, 30);
    expect(gridData.quintile!.spread).toEqual(summary.map((s) => Number(s.quintile_spread)));
    expect(gridData.icGroups!.groups).toContain('Information Technology');
  });

  it('heat map of sharpe over the first two parameters that vary: one cell per (lookback, top), as in summary.csv', () => {
    const g = gridData.grid!;
    expect(g).toMatchObject({ x: 'lookback', y: 'top', xValues: [10, 20, 30, 40, 50, 63, 80, 100, 126], yValues: [3, 5, 8, 10, 12, 15, 20, 25, 30, 40], others: [] });
    expect(g.cells).toHaveLength(90);
    const summary = csv(grid, 'summary.csv');
    for (const [xi, yi, value, variant] of g.cells) {
      const row = summary.find((s) => Number(s.lookback) === g.xValues[xi] && Number(s.top) === g.yValues[yi])!;
      expect([value, variant]).toEqual([Number(row.sharpe), Number(row.variant)]);
    }
  });

  it('takes --x/--y and --rank-by; a fixed parameter on an axis keeps the best over the others', async () => {
    const d = await dataOf(grid, { rankBy: 'max_drawdown', x: 'weighting', y: 'lookback', top: 2 });
    expect(d.top.variants).toHaveLength(2);
    expect(d.grid).toMatchObject({ x: 'weighting', y: 'lookback', xValues: ['equal'], others: ['top'] });
    expect(d.notes).toContain('heat map: each cell shows the best variant by max_drawdown over top');
    const summary = csv(grid, 'summary.csv');
    for (const [, yi, value] of d.grid!.cells) {
      const best = Math.max(...summary.filter((s) => Number(s.lookback) === d.grid!.yValues[yi]).map((s) => Number(s.max_drawdown)));
      expect(value).toBe(best);
    }
    await expect(dataOf(grid, { x: 'lookbak' })).rejects.toThrow(/^--x lookbak: not a parameter of this run \(did you mean lookback\?\); parameters: lookback, skip/);
    await expect(dataOf(grid, { x: 'top', y: 'top' })).rejects.toThrow(/--x and --y both name top/);
    await expect(dataOf(grid, { rankBy: 'nope' })).rejects.toThrow(/--rank-by nope: not a metric of this run/);
  });
});

describe('report data: what a run cannot show is left out, with a note', () => {
  it('a single run of a strategy without a signal: no IC, quintile or heat map; a 20-year run is thinned, keeping its worst drawdown', () => {
    const data = join(tempDir(), 'orcl');
    expect(backtest(['import', join(FIXTURES, 'orcl-1995-2014.txt'), '--data', data]).code).toBe(0);
    const r = backtest(['1995-01-03', '2014-12-31', '--strategy', 'sma-cross', '--data', data, '--cash', '100000', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).folder as string;
    return dataOf(dir).then((d) => {
      expect(d.ic).toBeNull();
      expect(d.icGroups).toBeNull();
      expect(d.quintile).toBeNull();
      expect(d.grid).toBeNull();
      expect(d.notes).toEqual([
        'strategy sma-cross declares no signal, so this run has no diagnostics.csv: no IC or quintile charts',
        'a single variant: no parameter heat map',
        `daily series thinned to one point per ${d.equity!.bucket} trading days (equity: the bucket's last value; drawdown: its lowest)`,
      ]);
      const equity = csv(dir, 'equity.csv');
      expect(d.equity!.bucket).toBe(Math.ceil(equity.length / MAX_POINTS));
      expect(d.equity!.dates.length).toBeLessThanOrEqual(MAX_POINTS);
      expect(d.equity!.dates.at(-1)).toBe(equity.at(-1)!.date);
      expect(d.equity!.values[0]!.at(-1)).toBe(Number(equity.at(-1)!.equity));
      const worst = Math.min(...equity.map((e) => Number(e.drawdown)));
      expect(Math.min(...(d.drawdown!.values[0] as number[]))).toBe(worst);
      expect(d.monthly!.years).toHaveLength(20);
    });
  });
});
