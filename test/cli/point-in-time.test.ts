import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, backtestAsync, entries, FIXTURES, tempDir } from '../support/cli.ts';
import { sampleServer, serverEnv } from '../support/postgrest/index.ts';
import { businessDates } from '../support/panel.ts';
import { queryRows, openDuck } from '../../src/source/local/duckdb.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';

type Row = Record<string, string>;
const csv = (folder: string, file: string) => parse(readFileSync(join(folder, file)), { columns: true }) as Row[];
const json = (stdout: string) => JSON.parse(stdout) as { folder: string; summary: Array<Record<string, unknown>>; warnings: string[] };

/** The sample's universe: season → its members. */
async function sampleMembers(): Promise<Map<number, Set<string>>> {
  const duck = await openDuck();
  try {
    const rows = await queryRows(duck, `SELECT season, symbol FROM read_parquet('${join(SAMPLE_DATA_DIR, 'universe.parquet')}')`);
    const out = new Map<number, Set<string>>();
    for (const r of rows) {
      const s = Number(r.season);
      if (!out.has(s)) out.set(s, new Set());
      out.get(s)!.add(String(r.symbol));
    }
    return out;
  } finally {
    duck.close();
  }
}

/** Shares held at the end of each date, replaying trades.csv of one variant. */
function holdingsByDate(trades: readonly Row[]): Map<string, Map<string, number>> {
  const held = new Map<string, number>();
  const out = new Map<string, Map<string, number>>();
  for (const t of trades) {
    const q = Number(t.quantity) * (t.side === 'buy' ? 1 : -1);
    const after = (held.get(t.symbol!) ?? 0) + q;
    if (Math.abs(after) < 1e-9) held.delete(t.symbol!); else held.set(t.symbol!, after);
    out.set(t.date!, new Map(held));
  }
  return out;
}

describe('a point-in-time universe (--universe rolling) over the sample market, 2023–2025', () => {
  let members: Map<number, Set<string>>;
  const out = tempDir();
  const runs: Record<string, ReturnType<typeof backtest>> = {};
  beforeAll(async () => {
    members = await sampleMembers();
    runs.vopa = backtest(['2023-01-03', '2025-12-31', '--universe', 'rolling', '--param', 'top=40', '--json', '--out', out]);
    runs.hold = backtest(['2023-01-03', '2025-12-31', '--strategy', 'buy-and-hold', '--json', '--out', out]);
    runs.pinned = backtest(['2023-01-03', '2025-12-31', '2025', '--json', '--out', out]);
  });

  it('never fills a symbol on a day it is not a member of that day\'s season, but to sell it as it leaves', () => {
    for (const name of ['vopa', 'hold']) {
      const r = runs[name]!;
      expect(r.code, r.stderr).toBe(0);
      const trades = csv(json(r.stdout).folder, 'trades.csv');
      expect(trades.length).toBeGreaterThan(100);
      const outside = trades.filter((t) => !members.get(Number(t.date!.slice(0, 4)))!.has(t.symbol!));
      expect(outside.filter((t) => t.reason !== 'universe'), `${name}: fills outside the universe`).toEqual([]);
      // Those exits are sales on the first trading day of the year, of names last year's season had.
      for (const t of outside) {
        expect(t.side).toBe('sell');
        expect(t.date!.slice(5)).toMatch(/^01-0[1-4]$/);
        expect(members.get(Number(t.date!.slice(0, 4)) - 1)!.has(t.symbol!)).toBe(true);
      }
    }
  });

  it('sells the names that leave at a season boundary at the new season\'s first fill (reason universe), and buys the names that join', () => {
    const folder = json(runs.hold!.stdout).folder;
    const trades = csv(folder, 'trades.csv');
    const holdings = holdingsByDate(trades);
    for (const [oldSeason, firstDay] of [[2023, '2024-01-01'], [2024, '2025-01-01']] as const) {
      const dates = [...holdings.keys()].filter((d) => d < firstDay);
      const before = holdings.get(dates.at(-1)!)!;
      const next = members.get(oldSeason + 1)!;
      const leavers = [...before.keys()].filter((s) => !next.has(s));
      expect(leavers.length, `leavers held at the end of ${oldSeason}`).toBeGreaterThan(0);
      const firstFill = trades.map((t) => t.date!).filter((d) => d >= firstDay).sort()[0]!;
      const exits = trades.filter((t) => t.date === firstFill && t.reason === 'universe').map((t) => t.symbol).sort();
      expect(exits).toEqual(leavers.sort());
      const joiners = [...next].filter((s) => !members.get(oldSeason)!.has(s));
      const bought = new Set(trades.filter((t) => t.date === firstFill && t.side === 'buy').map((t) => t.symbol));
      expect(joiners.filter((s) => bought.has(s)).length, 'joiners bought at the first fill of their season').toBeGreaterThan(0);
    }
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.universe).toMatchObject({ mode: 'rolling', seasons: [2023, 2024, 2025], members: { 2023: 267, 2024: 270, 2025: 275 } });
  });

  it('a pinned season before the range warns once about survivorship; a rolling one does not', () => {
    const pinned = runs.pinned!;
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr.match(/survivorship/g)).toHaveLength(1);
    expect(pinned.stderr).toMatch(/warning: survivorship bias: the range starts in 2023 but trades season 2025's members throughout .* use --universe rolling/);
    expect(json(pinned.stdout).warnings.some((w) => w.startsWith('survivorship bias'))).toBe(true);
    expect(runs.vopa!.stderr).not.toMatch(/survivorship/);
    // The README run pins its own season from within it: no warning.
    const readme = backtest(['2025-10-07', '2026-01-03', '2025', '--out', out]);
    expect(readme.code, readme.stderr).toBe(0);
    expect(readme.stderr).not.toMatch(/survivorship/);
  });
});

describe('one evaluation window for every variant', () => {
  it('--grid lookback=20,250 from the data\'s first day: both start trading the same day, with one warning line', () => {
    const out = tempDir();
    const r = backtest(['2023-01-02', '2023-12-29', '2023', '--grid', 'lookback=20,250', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the data begin too late for the longest warm-up \(variant 2 \(lookback=250\): 250 bars\): every variant trades from (\d{4}-\d\d-\d\d)/);
    const start = /trades from (\d{4}-\d\d-\d\d)/.exec(warnings[0]!)![1]!;
    const { folder } = json(r.stdout);
    const equity = csv(folder, 'equity.csv');
    for (const v of ['1', '2']) expect(equity.find((e) => e.variant === v)!.date, `variant ${v}'s first scored day`).toBe(start);
    const firstTrade = (v: string) => csv(folder, 'trades.csv').filter((t) => t.variant === v).map((t) => t.date!).sort()[0];
    expect(firstTrade('1')).toBe(start);
    expect(firstTrade('2')).toBe(start);
    expect(csv(folder, 'benchmark.csv')[0]!.date).toBe(start);
  });
});

/** A data folder of hand-made prices (CSV), one season. */
function dataFolder(rows: ReadonlyArray<readonly [string, string, number]>, symbols: readonly string[]): string {
  const dir = tempDir('vopa-data-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'prices.csv'), `symbol,date,open,high,low,close,volume\n${rows.map(([s, d, c]) => `${s},${d},${c},${c},${c},${c},1000`).join('\n')}\n`);
  writeFileSync(join(dir, 'universe.csv'), `season,symbol,peer_group,name\n${symbols.map((s) => `2024,${s},g,${s} Inc`).join('\n')}\n`);
  return dir;
}

describe('solvency: leverage, margin and ruin', () => {
  // AAA doubles overnight on day 10 (a gap no margin call can catch); BBB stays flat.
  const dates = businessDates('2024-01-01', 40);
  const rows = dates.flatMap((d, k) => [['AAA', d, k < 10 ? 100 : 200], ['BBB', d, 50]] as const);
  const data = dataFolder(rows, ['AAA', 'BBB']);
  const strategy = join(FIXTURES, 'strategies/levered.ts');

  it('a strategy shorting 50 × equity is cut to --max-leverage', () => {
    const out = tempDir();
    const r = backtest([dates[1]!, dates[20]!, '2024', '--data', data, '--strategy', strategy, '--param', 'symbol=BBB', '--param', 'weight=-50', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { folder } = json(r.stdout);
    const [first] = csv(folder, 'trades.csv');
    expect(first).toMatchObject({ symbol: 'BBB', side: 'sell' });
    // 1,000,000 × 2 ÷ 50 = 40,000 shares: twice the equity, not fifty times.
    expect(Number(first!.quantity)).toBe(40_000);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.variants[0]).toMatchObject({ status: 'ok', leverage_scaled: 1 });
    expect(manifest.settings).toMatchObject({ max_leverage: 2, maintenance_margin: 0.25 });
    const lower = backtest([dates[1]!, dates[20]!, '2024', '--data', data, '--strategy', strategy, '--param', 'symbol=BBB', '--param', 'weight=-50', '--max-leverage', '0.5', '--json', '--out', out]);
    expect(Number(csv(json(lower.stdout).folder, 'trades.csv')[0]!.quantity)).toBe(10_000);
  });

  it('a book that is ruined is liquidated, says `ruined`, has no Sharpe, and ranks after every solvent variant', () => {
    const out = tempDir();
    // weight −2 on AAA: 3 × E₀ of cash against a short worth 2 × E₀ that doubles: equity −E₀ at day 10's close.
    const r = backtest([dates[1]!, dates[39]!, '2024', '--data', data, '--strategy', strategy, '--grid', 'weight=-2,1', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { folder, summary } = json(r.stdout);
    expect(summary.map((s) => [s.variant, s.status])).toEqual([[2, 'ok'], [1, 'ruined']]);
    const ruined = summary[1]!;
    expect(ruined.sharpe).toBeNull();
    expect(ruined.sortino).toBeNull();
    expect(ruined.total_return).toBe(-1);
    const equity = csv(folder, 'equity.csv').filter((e) => e.variant === '1').map((e) => Number(e.equity));
    expect(Math.min(...equity)).toBe(0); // never below zero
    const trades = csv(folder, 'trades.csv').filter((t) => t.variant === '1');
    expect(trades).toHaveLength(2);
    expect(trades[1]).toMatchObject({ date: dates[11], symbol: 'AAA', side: 'buy', quantity: '20000', reason: 'ruin' }); // covered at the next open
    expect(csv(folder, 'equity.csv').find((e) => e.variant === '1' && e.date === dates[10])!.equity).toBe('0');
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.variants[0].status).toBe('ruined');
    // Ranked by any metric, the ruined variant comes last — even by one where it "wins" (its short was a
    // round trip; the long one never closed).
    const byTrips = backtest(['inspect', folder, '--rank-by', 'round_trips', '--json']);
    expect(byTrips.code, byTrips.stderr).toBe(0);
    expect(JSON.parse(byTrips.stdout).top.map((row: Record<string, unknown>) => [row.status, row.round_trips])).toEqual([['ok', 0], ['ruined', 1]]);
  });
});

describe('data checked at run time, whatever made the folder', () => {
  it('the same bad close read from Supabase (the PostgREST-compatible server over real Postgres): exit 2, named', async () => {
    const server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
    try {
      // A table made by hand, without our migration's check on close.
      await server.db.query('alter table prices drop constraint if exists prices_close_check');
      const [a, b] = (await server.db.query<{ symbol: string }>(`select p.symbol from prices p join universe u on u.symbol = p.symbol and u.season = 2025 where p.date = '2025-11-03' order by p.symbol limit 2`)).rows;
      await server.db.query(`update prices set close = 0 where symbol = $1 and date = '2025-11-03'`, [a!.symbol]);
      await server.db.query(`update prices set open = -1 where symbol = $1 and date = '2025-11-04'`, [b!.symbol]);
      const out = tempDir();
      const r = await backtestAsync(['2025-10-07', '2026-01-03', '2025', '--source', 'supabase', '--no-upload', '--out', out], { cwd: out, env: serverEnv(server) });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^backtest: prices at 127\\.0\\.0\\.1:\\d+: ${a!.symbol} on 2025-11-03: close 0 \\(a close must be a positive number\\) \\(and 1 more such row in the window\\)\\n$`));
      expect(entries(out)).toEqual([]);
      // Postgres's NaN (a series cannot tell it from a missing value): refused as it is read, never cached.
      await server.db.query(`update prices set close = 'NaN' where symbol = $1 and date = '2025-10-15'`, [b!.symbol]);
      const nan = await backtestAsync(['2025-10-07', '2026-01-03', '2025', '--source', 'supabase', '--no-upload', '--out', out], { cwd: out, env: serverEnv(server) });
      expect(nan.code).toBe(2);
      expect(nan.stderr).toMatch(new RegExp(`^backtest: prices at 127\\.0\\.0\\.1:\\d+: ${b!.symbol} on 2025-10-15: close "NaN" \\(not a number; a missing value is null\\)\\n$`));
      expect(entries(out)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a (symbol, date) given twice: exit 2 naming it and how many repeats there are', () => {
    const rows = dates.flatMap((d, k) => [['AAA', d, 100], ['BBB', d, 50], ...(k === 7 || k === 9 ? [['BBB', d, 51] as const] : [])] as const);
    const r = backtest([dates[1]!, dates[29]!, '2024', '--data', dataFolder(rows, ['AAA', 'BBB']), '--strategy', 'buy-and-hold', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^backtest: .*prices\\.csv: BBB on ${dates[7]} appears 2 times \\(2 repeated rows in the window\\); each \\(symbol, date\\) must appear once`));
  });

  it('a rolling run needs every season it trades in: exit 2 naming the missing one', () => {
    const dates = [...businessDates('2024-12-02', 40)];
    const data = dataFolder(dates.map((d) => ['AAA', d, 10] as const), ['AAA']); // only season 2024
    const r = backtest(['2024-12-03', dates.at(-1)!, '--data', data, '--strategy', 'buy-and-hold', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backtest: --universe rolling: .*universe\.csv has no universe for season 2025, which the range trades in \(seasons there: 2024\); add it, shorten the range, or pin one season \(--universe pinned\)\n$/);
  });

  const dates = businessDates('2024-01-01', 30);
  it('a close of 0 in a hand-made folder: exit 2, one line naming the symbol and date, nothing written', () => {
    const rows = dates.flatMap((d, k) => [['AAA', d, k === 12 ? 0 : 100], ['BBB', d, k >= 20 ? -5 : 50]] as const);
    const data = dataFolder(rows, ['AAA', 'BBB']);
    const out = tempDir();
    const r = backtest([dates[1]!, dates[29]!, '2024', '--data', data, '--strategy', 'buy-and-hold', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`backtest: ${join(data, 'prices.csv')}: AAA on ${dates[12]}: close 0 (a close must be a positive number) (and 10 more such rows in the window)\n`);
    expect(entries(out)).toEqual([]);
  });

  it('a range past the data\'s end is cut with one warning giving the dates used (terminal, --json, manifest)', () => {
    const out = tempDir();
    const r = backtest(['2026-05-01', '2027-12-31', '2026', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const line = 'the range ends 2027-12-31 but the data\'s last trading day is 2026-06-30: the run covers 2026-05-01 → 2026-06-30';
    expect(r.stderr).toContain(`warning: ${line}`);
    const { folder, warnings } = json(r.stdout);
    expect(warnings).toContain(line);
    expect(JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).warnings).toContain(line);
  });
});
