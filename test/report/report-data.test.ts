import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRun, openRunTables } from '../../src/inspect/index.ts';
import { MAX_POINTS, reportData, type ReportData, type ReportOptions } from '../../src/report/index.ts';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';
import { grid90Run } from '../support/grid-run.ts';
import { BENCH_LABEL, CAPITALS, CASH, FOLDS, GROUPS, LABELS, RUINED, STRING_PARAM, VERDICT, WARNINGS, WHY_SPA, writeFixture, type Fixture } from './fixture.ts';

type Row = Record<string, string>;
const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
const bySharpe = (rows: Row[]) => [...rows].sort((a, b) => (a.status === 'ruined' ? 1 : 0) - (b.status === 'ruined' ? 1 : 0) || Number(b.sharpe) - Number(a.sharpe) || Number(a.variant) - Number(b.variant));

async function dataOf(dir: string, options: ReportOptions = {}): Promise<ReportData> {
  const tables = await openRunTables(findRun(dir, { out: '.' }));
  try {
    return await reportData(tables, options);
  } finally {
    tables.close();
  }
}

/** Drawdown periods found the obvious way: every maximal run of days under water, then sorted. */
function periodsByHand(dd: readonly number[], dates: readonly string[]) {
  const out: Array<{ peak: string | null; trough: string; recovery: string | null; depth: number; days: number; start: number }> = [];
  for (let k = 0; k < dd.length; k++) {
    if (!(dd[k]! < 0) || (k > 0 && dd[k - 1]! < 0)) continue;
    let end = k;
    while (end + 1 < dd.length && dd[end + 1]! < 0) end++;
    let trough = k;
    for (let j = k; j <= end; j++) if (dd[j]! < dd[trough]!) trough = j;
    const recovered = end + 1 < dd.length;
    out.push({ peak: k > 0 ? dates[k - 1]! : null, trough: dates[trough]!, recovery: recovered ? dates[end + 1]! : null, depth: dd[trough]!, days: recovered ? end - k + 1 : dd.length - k, start: k });
  }
  return out.sort((a, b) => a.depth - b.depth || a.start - b.start).slice(0, 5).map(({ start: _, ...p }) => p);
}

let grid: string;
let gridData: ReportData;
beforeAll(async () => {
  grid = (await grid90Run(tempDir())).dir;
  gridData = await dataOf(grid);
});

describe('report data of a 90-variant grid', () => {
  it('ranks the table by sharpe, varying parameters first; draws the top 5 against the benchmark, day by day as the CSVs hold them', () => {
    const summary = bySharpe(csv(grid, 'summary.csv'));
    const t = gridData.table;
    expect(t.columns.slice(0, 6)).toEqual(['rank', 'variant', 'lookback', 'top', 'status', 'strategy']);
    expect(t.pinned).toBe(4); // rank, variant, lookback, top
    expect(t.rows.map((r) => r[1])).toEqual(summary.map((s) => Number(s.variant)));
    expect(t.rows[0]![t.columns.indexOf('sharpe')]).toBe(Number(summary[0]!.sharpe));
    expect(gridData.top.variants).toEqual(summary.slice(0, 5).map((s) => Number(s.variant)));
    expect(gridData.top.labels[0]).toBe(`#${summary[0]!.variant} lookback=${summary[0]!.lookback} top=${summary[0]!.top}`);

    const equity = csv(grid, 'equity.csv');
    const bench = csv(grid, 'benchmark.csv');
    const p = gridData.performance!;
    expect(p.equity.dates).toEqual(bench.map((b) => b.date));
    expect(p.equity.benchmark).toEqual(bench.map((b) => Number(b.equity)));
    gridData.top.variants.forEach((v, k) => expect(p.equity.values[k]).toEqual(equity.filter((e) => Number(e.variant) === v).map((e) => Number(e.equity))));
    expect(p.equity.bucket).toBe(1);
    // The best variant's curves: cumulative return and underwater, beside the benchmark's.
    const best = equity.filter((e) => e.variant === summary[0]!.variant);
    const cash = JSON.parse(readFileSync(join(grid, 'manifest.json'), 'utf8')).settings.cash as number;
    best.forEach((e, k) => {
      expect(p.cumulative.strategy[k]).toBeCloseTo(Number(e.equity) / cash - 1, 12);
      expect(p.cumulative.benchmark![k]).toBeCloseTo(Number(bench[k]!.equity) / cash - 1, 12);
    });
    expect(p.underwater.strategy).toEqual(best.map((e) => Number(e.drawdown)));
    expect(p.underwater.benchmark).toEqual(bench.map((b) => Number(b.drawdown)));
    expect(p.underwater.worst).toEqual(periodsByHand(best.map((e) => Number(e.drawdown)), best.map((e) => e.date!)));
  });

  it('the header: the best variant\'s headline numbers beside the benchmark\'s, the run in brief, the verdict', () => {
    const best = bySharpe(csv(grid, 'summary.csv'))[0]!;
    const manifest = JSON.parse(readFileSync(join(grid, 'manifest.json'), 'utf8'));
    const h = gridData.header;
    expect(h.headline.metrics).toEqual(['total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'alpha', 'beta', 'information_ratio']);
    expect(h.headline.kinds).toEqual(['percent', 'percent', 'ratio', 'ratio', 'percent', 'percent', 'ratio', 'ratio']);
    expect(h.headline.rows.map((r) => r.role)).toEqual(['best', 'benchmark']);
    expect(h.headline.rows[0]!.values).toEqual(h.headline.metrics.map((m) => Number(best[m])));
    expect(h.headline.rows[1]!.values).toEqual(h.headline.metrics.map((m) => (['alpha', 'beta', 'information_ratio'].includes(m) ? null : manifest.benchmark[m])));
    expect(h.headline.rows[1]!.label).toBe('benchmark: buy-and-hold');
    expect(Object.fromEntries(h.brief)).toMatchObject({
      range: '2025-10-07 → 2026-01-02 (64 trading days)', universe: 'pinned, season 2025', benchmark: 'buy-and-hold', costs: 'none',
      variants: '90, ranked by sharpe; varying lookback, top',
    });
    expect(h.verdict).toBe(manifest.statistics.verdict);
    expect(h.ruined).toEqual({ count: 0, total: 90, labels: [] });
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
    const m = gridData.performance!.monthly;
    const got = Object.fromEntries(m.cells.map(([mo, y, v]) => [`${m.years[y]}-${String(mo + 1).padStart(2, '0')}`, v]));
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const month of Object.keys(expected)) expect(got[month]).toBeCloseTo(expected[month]!, 10);
  });

  it('exposure from equity.csv and exposure.csv, turnover per fill day from trades.csv, the best and worst round trips from round_trips.csv', () => {
    const best = String(gridData.top.variants[0]);
    const days = csv(grid, 'equity.csv').filter((e) => e.variant === best);
    const x = gridData.exposure!;
    expect(x.dates).toEqual(days.map((d) => d.date));
    days.forEach((d, k) => {
      const e = Number(d.equity), long = Number(d.long), short = Number(d.short);
      expect(x.gross[k]).toBeCloseTo((long - short) / e, 12);
      expect(x.net[k]).toBeCloseTo((long + short) / e, 12);
      expect(x.long[k]).toBeCloseTo(long / e, 12);
      expect(x.short[k]).toBeCloseTo(short / e, 12);
      expect(x.positions[k]).toBe(Number(d.positions));
    });
    // By peer group: the groups held, the largest first; each day's long in a group as exposure.csv has it (0 when not held).
    const exposure = csv(grid, 'exposure.csv').filter((e) => e.variant === best);
    const total = new Map<string, number>();
    for (const e of exposure) total.set(e.peer_group!, (total.get(e.peer_group!) ?? 0) + Number(e.long) - Number(e.short));
    const g = x.groups!;
    const ranked = [...total].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
    expect(g.names).toEqual(ranked.length > 10 ? [...ranked.slice(0, 10), '(other groups)'] : ranked);
    g.names.slice(0, 10).forEach((name, i) => days.forEach((d, k) => {
      const row = exposure.find((e) => e.date === d.date && e.peer_group === name);
      expect(g.long[i]![k]).toBeCloseTo(row ? Number(row.long) : 0, 12);
    }));
    // Turnover: Σ notional / 2 / that day's equity, per day and reason.
    const trades = csv(grid, 'trades.csv').filter((t) => t.variant === best);
    const tv = x.turnover!;
    const fillDays = [...new Set(trades.map((t) => t.date!))].sort();
    expect(tv.dates).toEqual(fillDays);
    expect(tv.reasons[0]).toBe('rebalance');
    tv.reasons.forEach((reason, i) => fillDays.forEach((date, k) => {
      const notional = trades.filter((t) => t.date === date && t.reason === reason).reduce((s, t) => s + Number(t.notional), 0);
      expect(tv.values[i]![k]).toBeCloseTo(notional / 2 / Number(days.find((d) => d.date === date)!.equity), 12);
    }));
    // Round trips: closed ones by P&L.
    const trips = csv(grid, 'round_trips.csv').filter((t) => t.variant === best);
    const closed = trips.filter((t) => t.close_date !== '');
    const order = (a: Row, b: Row) => a.open_date!.localeCompare(b.open_date!) || a.symbol!.localeCompare(b.symbol!);
    const top = [...closed].sort((a, b) => Number(b.pnl) - Number(a.pnl) || order(a, b)).slice(0, 10);
    const bottom = [...closed].sort((a, b) => Number(a.pnl) - Number(b.pnl) || order(a, b)).slice(0, 10);
    const t = gridData.trading.trips!;
    expect(t.columns).toEqual(['symbol', 'side', 'open_date', 'close_date', 'quantity', 'entry', 'exit', 'pnl', 'return', 'holding_days']);
    expect(t.best.map((r) => [r[0], r[7]])).toEqual(top.map((r) => [r.symbol, Number(r.pnl)]));
    expect(t.worst.map((r) => [r[0], r[7]])).toEqual(bottom.map((r) => [r.symbol, Number(r.pnl)]));
    expect([t.closed, t.open]).toEqual([closed.length, trips.length - closed.length]);
    // Trade statistics of the top 5, from summary.csv.
    const summary = bySharpe(csv(grid, 'summary.csv')).slice(0, 5);
    const s = gridData.trading.stats!;
    expect(s.metrics).toEqual(['fills', 'round_trips', 'turnover', 'avg_positions', 'win_rate', 'profit_factor', 'avg_win', 'avg_loss', 'payoff_ratio', 'avg_holding_days', 'expectancy']);
    s.metrics.forEach((m, i) => expect(s.values[i]).toEqual(summary.map((r) => num(r[m]))));
  });

  it('"Is it real?" from overfitting.json: the numbers, the logit histogram, the scatter annualised, DSR and intervals of the top variants', () => {
    const file = JSON.parse(readFileSync(join(grid, 'overfitting.json'), 'utf8'));
    const o = gridData.overfitting!;
    expect(o.verdict).toBe(file.verdict);
    const stat = (name: string) => o.stats.find((s) => s[0] === name)![1];
    expect(stat('trials')).toBe(90);
    expect(stat('PBO')).toBe(file.pbo);
    expect(stat('expected best Sharpe of no skill, SR₀ (annualised)')).toBeCloseTo(file.expected_max_sharpe * Math.sqrt(252), 12);
    expect(o.logits).toEqual({ edges: file.pbo_logit_histogram.edges, counts: file.pbo_logit_histogram.counts, pbo: file.pbo });
    expect(o.scatter!.is).toHaveLength(file.pbo_scatter.is_sharpe.length);
    o.scatter!.oos.forEach((v, k) => expect(v).toBeCloseTo(file.pbo_scatter.oos_sharpe[k] * Math.sqrt(252), 12));
    const top = bySharpe(csv(grid, 'summary.csv')).slice(0, 20);
    expect(o.top!.dsr).toEqual(top.map((r) => Number(r.dsr)));
    expect(o.top!.low).toEqual(top.map((r) => Number(r.sharpe_ci_low)));
    expect(o.top!.high).toEqual(top.map((r) => Number(r.sharpe_ci_high)));
  });

  it('IC per decision day of the best variant, with its trailing mean of 10 days, and quintile spreads from summary.csv', () => {
    const best = String(gridData.top.variants[0]);
    const days = csv(grid, 'diagnostics.csv').filter((d) => d.variant === best);
    expect(gridData.ic!.dates).toEqual(days.map((d) => d.date));
    const ics = days.map((d) => num(d.ic));
    expect(gridData.ic!.ic).toEqual(ics);
    ics.forEach((_, k) => {
      const window = ics.slice(0, k + 1).filter((v): v is number => v !== null).slice(-10);
      if (window.length < 3) expect(gridData.ic!.mean[k]).toBeNull();
      else expect(gridData.ic!.mean[k]).toBeCloseTo(window.reduce((s, v) => s + v, 0) / window.length, 12);
    });
    expect(gridData.quintile!.spread).toEqual(bySharpe(csv(grid, 'summary.csv')).slice(0, 30).map((s) => Number(s.quintile_spread)));
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
    expect(gridData.charts).toEqual(['equity', 'cumulative', 'underwater', 'yearly', 'monthly', 'distribution', 'grid', 'pbo-logits', 'pbo-scatter', 'dsr', 'sharpe-intervals', 'exposure', 'exposure-groups', 'turnover', 'break-even', 'ic-time', 'ic-groups', 'quintile']);
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

describe('report data of a run folder holding every file (costs, capacity, walk-forward, a ruined variant)', () => {
  let fixture: Fixture;
  let d: ReportData;
  let summary: Row[];
  let best: Row;
  beforeAll(async () => {
    fixture = writeFixture(tempDir());
    d = await dataOf(fixture.dir);
    summary = csv(fixture.dir, 'summary.csv').filter((r) => r.variant !== 'oos');
    best = bySharpe(summary)[0]!;
  });

  it('draws every part; the ruined variant ranks last, flagged in the header', () => {
    expect(d.charts).toEqual([
      'wf-equity', 'wf-params', 'wf-metric', 'equity', 'cumulative', 'underwater', 'rolling', 'yearly', 'monthly', 'distribution', 'grid',
      'pbo-logits', 'pbo-scatter', 'dsr', 'sharpe-intervals', 'exposure', 'exposure-groups', 'turnover', 'costs', 'break-even', 'capacity', 'ic-time', 'ic-groups', 'quintile',
    ]);
    expect(d.notes).toEqual([]);
    expect(d.table.rows.at(-1)![1]).toBe(RUINED);
    expect(d.table.rows).toHaveLength(6); // the oos row is not a variant
    expect(d.header.ruined).toEqual({ count: 1, total: 6, labels: [`#${RUINED}`] });
    expect(d.detail).toEqual({ variant: Number(best.variant), label: `#${best.variant} lookback=${best.lookback} ${STRING_PARAM}=${best[STRING_PARAM]}` });
  });

  it('the header: costs, universe and benchmark in words, the walk-forward\'s record beside the best, warnings with their examples', () => {
    const h = d.header;
    expect(Object.fromEntries(h.brief)).toMatchObject({
      universe: 'rolling, seasons 2024, 2025 (each day its own season\'s members)',
      benchmark: BENCH_LABEL,
      costs: 'commission 5 bp, spread 2 bp, participation ≤ 1 % of volume, impact sqrt (k 1), borrow 50 bp a year',
      settings: 'fill at the open, cash 1,000,000, max leverage 2, risk-free 2.00 %',
    });
    expect(h.headline.rows.map((r) => r.role)).toEqual(['best', 'oos', 'benchmark']);
    expect(h.headline.rows[1]!.values[2]).toBe(0.77); // summary.csv's oos row
    expect(h.verdict).toBe(VERDICT);
    expect(h.warnings).toEqual([{ message: WARNINGS[0], examples: [] }, { message: WARNINGS[1], examples: [expect.stringMatching(/^variant 1: skipped /), 'variant 3: skipped 2'] }]);
  });

  it('rolling 63-day Sharpe (after the risk-free rate), volatility and beta equal each window summed anew', () => {
    const v = Number(best.variant);
    const r = fixture.returns[v]!, b = fixture.benchmark.returns;
    const rf = 1.02 ** (1 / 252) - 1;
    const p = d.performance!.rolling!;
    expect(p.dates).toEqual(fixture.dates);
    for (let k = 0; k < r.length; k++) {
      if (k < 62) {
        expect([p.sharpe[k], p.volatility[k], p.beta![k]]).toEqual([null, null, null]);
        continue;
      }
      const w = r.slice(k - 62, k + 1), wb = b.slice(k - 62, k + 1);
      const mean = w.reduce((s, x) => s + x, 0) / 63, meanB = wb.reduce((s, x) => s + x, 0) / 63;
      const sd = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / 62);
      const cov = w.reduce((s, x, j) => s + (x - mean) * (wb[j]! - meanB), 0), varB = wb.reduce((s, x) => s + (x - meanB) ** 2, 0);
      expect(p.sharpe[k]).toBeCloseTo(((mean - rf) / sd) * Math.sqrt(252), 9);
      expect(p.volatility[k]).toBeCloseTo(sd * Math.sqrt(252), 9);
      expect(p.beta![k]).toBeCloseTo(cov / varB, 9);
    }
  });

  it('yearly returns beside the benchmark\'s, the worst drawdowns, and the distribution of daily returns with summary.csv\'s VaR', () => {
    const v = Number(best.variant);
    const r = fixture.returns[v]!;
    const years = [...new Set(fixture.dates.map((x) => Number(x.slice(0, 4))))];
    const compound = (values: readonly number[], year: number) => values.reduce((g, x, k) => (fixture.dates[k]!.startsWith(String(year)) ? g * (1 + x) : g), 1) - 1;
    const y = d.performance!.yearly;
    expect(y.years).toEqual([2024, 2025]);
    years.forEach((year, k) => {
      expect(y.strategy[k]).toBeCloseTo(compound(r, year), 12);
      expect(y.benchmark![k]).toBeCloseTo(compound(fixture.benchmark.returns, year), 12);
    });
    const rows = csv(fixture.dir, 'equity.csv').filter((e) => e.variant === best.variant);
    expect(d.performance!.underwater.worst).toEqual(periodsByHand(rows.map((e) => Number(e.drawdown)), fixture.dates));
    const dist = d.performance!.distribution!;
    expect(dist.counts).toHaveLength(13); // ⌈√160⌉
    expect(dist.counts.reduce((s, c) => s + c, 0)).toBe(160);
    dist.counts.forEach((c, k) => {
      const last = k === dist.counts.length - 1;
      expect(c).toBe(r.filter((x) => x >= dist.edges[k]! && (last ? x <= dist.edges[k + 1]! : x < dist.edges[k + 1]!)).length);
    });
    expect([dist.var95, dist.cvar95]).toEqual([Number(best.var_95), Number(best.cvar_95)]);
  });

  it('exposure by peer group, gaps as 0, the largest first', () => {
    const g = d.exposure!.groups!;
    expect(g.names).toEqual([GROUPS[0], GROUPS[1], GROUPS[2]]);
    expect(new Set(g.long[0])).toEqual(new Set([0.7]));
    expect(g.short[2]).toEqual(fixture.dates.map((_, k) => (k % 2 === 0 ? -0.2 : 0)));
  });

  it('costs: the breakdown and break-even of the top 5 from summary.csv, capacity from capacity.csv', () => {
    const top = bySharpe(summary).slice(0, 5);
    const c = d.costs!;
    expect(c.breakdown!.kinds).toEqual(['cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow']);
    c.breakdown!.kinds.forEach((k, i) => expect(c.breakdown!.values[i]).toEqual(top.map((r) => Number(r[k]))));
    expect(c.breakdown!.interest).toEqual(top.map((r) => Number(r.cash_interest)));
    expect(c.breakEven).toEqual({ labels: d.top.labels, cost: top.map((r) => Number(r.cost_total_bps)), breakEven: top.map((r) => Number(r.break_even_bps)), totalReturn: top.map((r) => Number(r.total_return)) });
    const capacity = csv(fixture.dir, 'capacity.csv');
    expect(c.capacity!.capitals).toEqual(CAPITALS);
    const inFile = bySharpe(summary).filter((r) => capacity.some((x) => x.variant === r.variant)).slice(0, 5);
    expect(c.capacity!.series.map((s) => s.variant)).toEqual(inFile.map((r) => Number(r.variant)));
    for (const s of c.capacity!.series) {
      const rows = capacity.filter((x) => Number(x.variant) === s.variant);
      expect(s.sharpe).toEqual(rows.map((x) => Number(x.sharpe)));
      expect(s.totalReturn).toEqual(rows.map((x) => Number(x.total_return)));
      expect(s.unfilled).toEqual(rows.map((x) => Number(x.unfilled_share)));
      expect(s.costBps).toEqual(rows.map((x) => Number(x.cost_total_bps)));
    }
  });

  it('walk-forward: the stitched equity with a boundary at each test window, the parameters chosen, in- against out-of-sample per fold', () => {
    const w = d.walkForward!;
    const folds = csv(fixture.dir, 'folds.csv');
    expect(w.metric).toBe('sharpe');
    expect(w.folds.rows).toHaveLength(4);
    expect(w.foldLabels).toEqual(FOLDS.map((f) => `fold ${f.fold} (${fixture.dates[f.testStart]})`));
    expect(w.params).toEqual([
      { name: 'lookback', numeric: true, values: folds.map((f) => Number(f.lookback)) },
      { name: STRING_PARAM, numeric: false, values: folds.map((f) => f[STRING_PARAM]) },
    ]);
    expect(w.params[1]!.values).toContain(LABELS[1]);
    expect(w.compare).toEqual({ isName: 'is_sharpe', oosName: 'oos_sharpe', is: folds.map((f) => Number(f.is_sharpe)), oos: folds.map((f) => Number(f.oos_sharpe)) });
    const oos = csv(fixture.dir, 'oos_equity.csv');
    expect(w.equity!.oos).toEqual(oos.map((r) => Number(r.equity)));
    expect(w.equity!.benchmark).toEqual(oos.map((r) => Number(r.benchmark_equity)));
    expect(w.equity!.boundaries).toEqual(FOLDS.map((f) => ({ fold: f.fold, date: fixture.dates[f.testStart] })));
    expect(w.figures.map(([k]) => k)).toEqual(['efficiency', 'parameter_changes', 'note', 'folds']);
  });

  it('"Is it real?" says what is missing and why', () => {
    expect(d.overfitting!.whyMissing).toEqual([['spa', WHY_SPA]]);
    expect(d.overfitting!.stats.find((s) => s[0] === 'SPA p-value (Hansen)')![1]).toBeNull();
    expect(d.overfitting!.top!.dsr.at(-1)).toBeNull(); // the ruined variant, last
  });

  it('a large sweep keeps the daily rows of its best few: the one-variant charts show the best that has them, and say so', async () => {
    const dir = writeFixture(tempDir()).dir;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, settings: { ...manifest.settings, save_top: 2 } }));
    const kept = bySharpe(summary).slice(3, 5).map((r) => r.variant); // not the best three
    const text = readFileSync(join(dir, 'equity.csv'), 'utf8').split('\n');
    writeFileSync(join(dir, 'equity.csv'), [text[0], ...text.slice(1).filter((l) => kept.includes(l.split(',')[1]!))].join('\n'));
    const s = await dataOf(dir);
    expect(s.detail!.variant).toBe(Number(kept[0]));
    expect(s.top.variants).toEqual(kept.map(Number));
    expect(s.notes[0]).toMatch(/^the best variant by sharpe \(#\d+ .*\) has no daily rows \(a large sweep keeps those of the best 2 by its own --rank-by\): the charts of one variant show #/);
  });

  it('a damaged overfitting.json is left out with a note, never shown', async () => {
    const dir = writeFixture(tempDir()).dir;
    writeFileSync(join(dir, 'overfitting.json'), '{"verdict": 1, "trials": "<b>x</b>"');
    expect((await dataOf(dir)).notes).toContain('overfitting.json is not valid JSON: no "Is it real?" section');
    writeFileSync(join(dir, 'overfitting.json'), '[1, 2]');
    const s = await dataOf(dir);
    expect(s.overfitting).toBeNull();
    expect(s.notes).toContain('overfitting.json does not hold the statistics expected: no "Is it real?" section');
    expect(s.charts).not.toContain('pbo-logits');
    expect(CASH).toBe(1e6);
  });
});

describe('report data of a run with cost models and --capacity', () => {
  it('the cost breakdown and break-even of the top variants from summary.csv, capacity from capacity.csv, the costs in words', async () => {
    const out = tempDir();
    const r = backtest(['2025-01-02', '2025-06-30', '--grid', 'lookback=20,60', '--grid', 'top=5,10', '--commission-bps', '5', '--spread-bps', '2', '--impact', 'sqrt', '--max-participation', '0.01', '--capacity', '1e6,1e8', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).folder as string;
    const d = await dataOf(dir);
    expect(d.charts).toEqual(expect.arrayContaining(['costs', 'break-even', 'capacity']));
    const top = bySharpe(csv(dir, 'summary.csv')).slice(0, 4);
    const c = d.costs!;
    c.breakdown!.kinds.forEach((k, i) => expect(c.breakdown!.values[i]).toEqual(top.map((row) => num(row[k]))));
    expect(c.breakdown!.values[0]!.every((v) => v! > 0)).toBe(true); // commission was paid
    expect(c.breakEven!.breakEven).toEqual(top.map((row) => num(row.break_even_bps)));
    expect(c.breakEven!.cost).toEqual(top.map((row) => num(row.cost_total_bps)));
    const capacity = csv(dir, 'capacity.csv');
    expect(c.capacity!.capitals).toEqual([1e6, 1e8]);
    expect(c.capacity!.series.map((x) => x.variant)).toEqual(top.map((row) => Number(row.variant)));
    for (const x of c.capacity!.series) {
      const rows = capacity.filter((row) => Number(row.variant) === x.variant);
      expect([x.sharpe, x.totalReturn, x.costBps, x.unfilled]).toEqual(['sharpe', 'total_return', 'cost_total_bps', 'unfilled_share'].map((k) => rows.map((row) => num(row[k]))));
    }
    expect(Object.fromEntries(d.header.brief).costs).toBe('commission 5 bp, spread 2 bp, participation ≤ 1 % of volume, impact sqrt (k 1)');
  });
});

describe('report data: what a run cannot show is left out, with a note', () => {
  it('a 20-year single run of a strategy without a signal: no IC, quintile or heat map; daily series thinned, keeping the worst drawdown', async () => {
    const data = join(tempDir(), 'orcl');
    expect(backtest(['import', join(FIXTURES, 'orcl-1995-2014.txt'), '--data', data]).code).toBe(0);
    const r = backtest(['1995-01-03', '2014-12-31', '--strategy', 'sma-cross', '--data', data, '--cash', '100000', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).folder as string;
    const d = await dataOf(dir);
    expect([d.ic, d.icGroups, d.quintile, d.grid]).toEqual([null, null, null, null]);
    const p = d.performance!;
    expect(d.notes).toEqual([
      'strategy sma-cross declares no signal, so this run has no diagnostics.csv: no IC or quintile charts',
      'costs and capacity: the top variants paid no costs (their cost columns are 0 or empty); no capacity.csv (--capacity 1e6,1e7,… runs the variants at other starting capitals)',
      'a single variant: no parameter heat map',
      `daily series thinned to one point per ${p.equity.bucket} trading days (levels: the bucket's last value; drawdowns: its lowest); the statistics use every day`,
    ]);
    const equity = csv(dir, 'equity.csv');
    expect(p.equity.bucket).toBe(Math.ceil(equity.length / MAX_POINTS));
    expect(p.equity.dates.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(p.equity.dates.at(-1)).toBe(equity.at(-1)!.date);
    expect(p.equity.values[0]!.at(-1)).toBe(Number(equity.at(-1)!.equity));
    const worst = Math.min(...equity.map((e) => Number(e.drawdown)));
    expect(Math.min(...(p.underwater.strategy as number[]))).toBe(worst);
    expect(p.underwater.worst[0]!.depth).toBe(worst); // the table is computed on every day
    expect(p.rolling!.dates.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(p.yearly.years).toHaveLength(20);
    expect(p.monthly.years).toHaveLength(20);
  });
});
