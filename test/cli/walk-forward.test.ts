import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';
import { businessDates } from '../support/panel.ts';

/**
 * Walk-forward end to end (issue 16), on markets made by hand so that every number can be checked
 * without the program:
 * 1. three symbols whose best switches halfway: the folds must pick the switch at the fold the
 *    arithmetic says, and the stitched record must be the product of the chosen symbols' returns;
 * 2. a random market traded by momentum with costs and whole shares: the stitched out-of-sample
 *    equity must equal a second, obvious implementation written here — each fold's chosen variant
 *    run over its test window, carrying the holdings from the fold before — to 1e-9.
 */
type Row = Record<string, string>;
const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
const folder = (stdout: string) => (JSON.parse(stdout) as { folder: string }).folder;

/** Writes prices (open, close per symbol and day) and a one-season universe, and imports them into a data folder. */
function market(dates: readonly string[], symbols: readonly string[], open: number[][], close: number[][]): string {
  const sources = tempDir();
  const lines: string[] = [];
  symbols.forEach((s, i) => dates.forEach((d, t) => lines.push(`${s},${d},${open[t]![i]},${close[t]![i]}`)));
  writeFileSync(join(sources, 'prices.csv'), `symbol,date,open,close\n${lines.join('\n')}\n`);
  writeFileSync(join(sources, 'universe.csv'), `season,symbol,peer_group,name\n${symbols.map((s) => `2025,${s},g,${s}`).join('\n')}\n`);
  const data = join(tempDir(), 'data');
  const r = backtest(['import', join(sources, 'prices.csv'), '--universe', join(sources, 'universe.csv'), '--data', data]);
  expect(r.code, r.stderr).toBe(0);
  return data;
}

describe('a market whose best symbol switches halfway (--strategy pick: all in one symbol)', () => {
  // Day −1 (the first decision's close) and 200 trading days. AAA gains 1 % a day, then loses 1 % from
  // day 100; BBB loses 0.5 %, then gains 1 %; CCC gains 0.1 % throughout. Opens are the previous close.
  const dates = businessDates('2025-01-01', 201);
  const rates = (d: number) => (d < 100 ? [0.01, -0.005, 0.001] : [-0.01, 0.01, 0.001]);
  const close: number[][] = [[100, 100, 100]];
  for (let d = 0; d < 200; d++) close.push(close[d]!.map((c, i) => c * (1 + rates(d)[i]!)));
  const open = close.map((row, t) => (t === 0 ? row : close[t - 1]!));
  let data: string;
  let dir: string;
  const pick = join(FIXTURES, 'strategies/pick.ts');
  const args = () => [dates[1]!, dates[200]!, '2025', '--data', data, '--strategy', pick, '--grid', 'symbol=AAA,BBB,CCC', '--fractional', '--rank-by', 'total_return', '--json'];

  beforeAll(() => {
    data = market(dates, ['AAA', 'BBB', 'CCC'], open, close);
    const r = backtest([...args(), '--walk-forward', 'train=40,test=20', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    dir = folder(r.stdout);
  });

  it('chooses AAA while its training window holds 23 or more of its good days, BBB from fold 5 (training days 80–119) on', () => {
    // Window [a, a + 39] with n good days of AAA: AAA wins while n·ln(1.01/0.995) > (40 − n)·ln(1.01/0.99), i.e. n ≥ 23.
    const folds = csv(dir, 'folds.csv');
    expect(folds.map((f) => f.variant)).toEqual(['1', '1', '1', '1', '2', '2', '2', '2']);
    expect(folds.map((f) => [f.train_start, f.train_end, f.test_start, f.test_end])[4]).toEqual([dates[81], dates[120], dates[121], dates[140]]);
    expect(folds.map((f) => f.symbol)).toEqual(['AAA', 'AAA', 'AAA', 'AAA', 'BBB', 'BBB', 'BBB', 'BBB']);
    // Fold 4 trades AAA over days 100–119, when it falls: the worst of three there; BBB was best.
    expect(folds.map((f) => f.oos_rank)).toEqual(['1', '1', '1', '3', '1', '1', '1', '1']);
    expect(folds[3]!.oos_best_variant).toBe('2');
    // In sample, fold 5's BBB: 0.995^20 · 1.01^20 − 1.
    expect(Number(folds[4]!.is_total_return)).toBeCloseTo(0.995 ** 20 * 1.01 ** 20 - 1, 12);
    expect(Number(folds[3]!.oos_total_return)).toBeCloseTo(0.99 ** 20 - 1, 12);
  });

  it('the stitched record is the chosen symbols\' returns compounded: AAA on days 40–119, BBB on 120–199', () => {
    const oos = csv(dir, 'oos_equity.csv');
    expect(oos).toHaveLength(160);
    expect(oos[0]!.date).toBe(dates[41]);
    expect(oos.map((r) => r.fold)).toEqual(Array.from({ length: 160 }, (_, d) => String(1 + Math.floor(d / 20))));
    expect(Number(oos.at(-1)!.equity) / (1e6 * 1.01 ** 60 * 0.99 ** 20 * 1.01 ** 80)).toBeCloseTo(1, 12);
    const summary = csv(dir, 'summary.csv');
    const row = summary.at(-1)!;
    expect([row.variant, row.status, row.symbol]).toEqual(['oos', 'ok', '']);
    expect(Number(row.total_return)).toBeCloseTo(1.01 ** 140 * 0.99 ** 20 - 1, 10);
    expect(summary.slice(0, -1).map((r) => r.variant).sort()).toEqual(['1', '2', '3']);
  });

  it('walk-forward efficiency: the record\'s annualised return ÷ the chosen variants\' annualised in-sample returns, weighted by days traded', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).walk_forward;
    const oosAnnual = (1.01 ** 140 * 0.99 ** 20) ** (252 / 160) - 1;
    const isAnnual = (7 * (1.01 ** 252 - 1) + ((0.995 ** 20 * 1.01 ** 20) ** (252 / 40) - 1)) / 8;
    expect(manifest.oos_annual_return).toBeCloseTo(oosAnnual, 8);
    expect(manifest.is_annual_return / isAnnual).toBeCloseTo(1, 10);
    expect(manifest.walk_forward_efficiency / (oosAnnual / isAnnual)).toBeCloseTo(1, 10);
    expect(manifest.stability).toMatchObject({ folds: 8, changes: 1, change_rate: 1 / 7, distinct_variants: 2, parameters: { symbol: { changes: 1, distinct: 2 } } });
  });

  it('oos_equity.csv carries the benchmark over the same days, grown from the same cash', () => {
    const bench = csv(dir, 'benchmark.csv');
    const oos = csv(dir, 'oos_equity.csv');
    const before = Number(bench[39]!.equity);
    oos.forEach((r, d) => expect(Number(r.benchmark_equity) / ((1e6 * Number(bench[40 + d]!.equity)) / before)).toBeCloseTo(1, 9));
  });

  it('--holdout 40: one fold, chosen on the first 160 days (AAA), reported on the last 40 (where it is the worst)', () => {
    const r = backtest([...args(), '--holdout', '40', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    const folds = csv(folder(r.stdout), 'folds.csv');
    expect(folds.map((f) => [f.train_start, f.train_end, f.test_start, f.test_end, f.symbol, f.oos_rank])).toEqual([[dates[1], dates[160], dates[161], dates[200], 'AAA', '3']]);
    expect(JSON.parse(r.stdout).walk_forward.folds[0].variant).toBe(1);
  });
});

describe('the stitched record is one account (momentum with costs and whole shares)', () => {
  // 30 days of history, then a 260-day window; 6 symbols on seeded random walks with overnight gaps.
  const symbols = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
  const dates = businessDates('2025-01-01', 290);
  let seed = 11;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const close: number[][] = [], open: number[][] = [];
  for (let t = 0; t < dates.length; t++) {
    const prev = close[t - 1] ?? symbols.map((_, i) => 40 + 10 * i);
    open.push(prev.map((c) => Math.round(c * (1 + (rand() - 0.5) * 0.02) * 1e4) / 1e4));
    close.push(open[t]!.map((o, i) => Math.round(o * (1 + (rand() - 0.5) * 0.05 + 0.0004 * (i - 2.5) * Math.sin(t / 40)) * 1e4) / 1e4));
  }
  const first = 30; // row of the window's first day
  const cash = 1e6, commission = 5e-4, slippage = 3e-4;
  let dir: string;

  beforeAll(() => {
    const data = market(dates, symbols, open, close);
    const r = backtest([
      dates[first]!, dates.at(-1)!, '2025', '--data', data, '--strategy', 'momentum', '--grid', 'lookback=5,10,20', '--grid', 'top=1,2', '--param', 'rebalance=3',
      '--commission-bps', '5', '--slippage-bps', '3', '--rank-by', 'total_return', '--walk-forward', 'train=60,test=25,embargo=3', '--json', '--out', tempDir(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    dir = folder(r.stdout);
  });

  it('each fold\'s choice is the best total return over its training days in equity.csv, and the embargo separates training from test', () => {
    const equity = csv(dir, 'equity.csv');
    const byVariant = new Map<string, number[]>();
    for (const r of equity) byVariant.set(r.variant!, [...(byVariant.get(r.variant!) ?? []), Number(r.equity)]);
    const days = dates.slice(first);
    const folds = csv(dir, 'folds.csv');
    expect(folds).toHaveLength(Math.ceil((260 - 63) / 25));
    for (const f of folds) {
      const a = days.indexOf(f.train_start!), b = days.indexOf(f.train_end!);
      expect(days.indexOf(f.test_start!) - b - 1).toBe(3);
      const ranked = [...byVariant].map(([id, e]) => ({ id, r: e[b]! / (a === 0 ? cash : e[a - 1]!) - 1 })).sort((x, y) => y.r - x.r || Number(x.id) - Number(y.id));
      expect(f.variant, `fold ${f.fold}`).toBe(ranked[0]!.id);
    }
    expect(new Set(folds.map((f) => f.variant)).size).toBeGreaterThan(1);
  });

  it('equals, to 1e-9, each chosen variant run over its fold\'s test days on the book the fold before left (cash before the first)', () => {
    const folds = csv(dir, 'folds.csv');
    const at = (date: string) => dates.indexOf(date);
    // Decisions at the close before each test day (next-open fills); each fold counts its decisions from 0.
    const segments = folds.map((f) => ({ from: at(f.test_start!) - 1, to: at(f.test_end!) - 1, lookback: Number(f.lookback), top: Number(f.top) }));
    const n = symbols.length;
    const q = new Array<number>(n).fill(0);
    let money = cash;
    let targets: number[] | null = null;
    const expected: number[] = [];
    for (let t = segments[0]!.from; t < dates.length; t++) {
      if (targets) {
        // The documented rebalance (src/broker/rebalance.ts): equity at the opens; whole shares toward zero;
        // sells, then buys, in column order; slippage against the trade; commission on the notional; buys cut to the cash.
        const px = open[t]!;
        let e = money;
        for (let i = 0; i < n; i++) if (q[i]) e += q[i]! * px[i]!;
        const delta = targets.map((w, i) => {
          const x = (w * e) / px[i]!;
          return (x === 0 ? 0 : Math.trunc(x + Math.sign(x) * Math.max(1e-9, Math.abs(x) * 1e-12))) - q[i]!;
        });
        for (let i = 0; i < n; i++) {
          if (delta[i]! >= 0) continue;
          const p = px[i]! * (1 - slippage);
          money -= delta[i]! * p + Math.abs(delta[i]! * p) * commission;
          q[i]! += delta[i]!;
        }
        for (let i = 0; i < n; i++) {
          let d = delta[i]!;
          if (d <= 0) continue;
          const p = px[i]! * (1 + slippage);
          if (d * p * (1 + commission) > money) d = Math.floor(money / (p * (1 + commission)));
          if (d <= 0) continue;
          money -= d * p + Math.abs(d * p) * commission;
          q[i]! += d;
        }
        targets = null;
      }
      let equity = money;
      for (let i = 0; i < n; i++) if (q[i]) equity += q[i]! * close[t]![i]!;
      if (t > segments[0]!.from) expected.push(equity);
      const s = segments.find((g) => t >= g.from && t <= g.to);
      if (s && (t - s.from) % 3 === 0) {
        // Momentum: the `top` highest close(t) / close(t − L) − 1, ties to the lower column, equal weights.
        const roc = symbols.map((_, i) => close[t]![i]! / close[t - s.lookback]![i]! - 1);
        const best = symbols.map((_, i) => i).sort((i, j) => roc[j]! - roc[i]! || i - j).slice(0, s.top);
        targets = symbols.map((_, i) => (best.includes(i) ? 1 / s.top : 0));
      }
    }
    const oos = csv(dir, 'oos_equity.csv');
    expect(oos[0]!.date).toBe(folds[0]!.test_start);
    expect(oos).toHaveLength(expected.length);
    oos.forEach((r, d) => expect(Math.abs(Number(r.equity) / expected[d]! - 1), `${r.date}`).toBeLessThan(1e-9));
    // The summary's oos row is that record's.
    const last = csv(dir, 'summary.csv').at(-1)!;
    expect(Math.abs(Number(last.final_equity) / expected.at(-1)! - 1)).toBeLessThan(1e-9);
    expect(Number(last.fills)).toBeGreaterThan(folds.length);
  });
});
