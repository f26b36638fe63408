import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS, RUIN_BLANKS } from '../../src/metrics/columns.ts';
import { isoDate, parseIsoDate, weekday } from '../../src/util/dates.ts';
import { mulberry32 as rng } from '../support/random.ts';

/**
 * A complete run folder written directly, holding every file a run folder can hold — the
 * per-variant tables, benchmark.csv, overfitting.json, capacity.csv (issue 14) and the walk-forward's
 * folds.csv, oos_equity.csv and summary.csv row `oos` (issue 16, as PLAN.md documents them) — with a
 * ruined variant, and hostile text in every place text can come from: the strategy's name, parameter
 * names and values, symbols, peer groups, warnings, the benchmark's label, the verdict, the data's
 * location and the folder's own name. The numbers are a consistent small world (equity from its
 * returns, drawdowns from equity, exposure fractions from equity) drawn from a fixed seed, so the
 * tests can compute what the report should show on their own.
 */

/** Text that would run script or break markup if it ever reached the page as HTML. */
export const HOSTILE = {
  img: '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  script: '</script><script>window.__pwned=2</script>',
  svg: '<svg/onload=window.__pwned=3>',
  frame: '"\'><iframe srcdoc="<script>parent.__pwned=4</script>">',
  comment: '<!-- \u2028\u2029 -->{b}{c}&amp;',
  link: '<a href="javascript:window.__pwned=5">x</a>',
} as const;

export const STRATEGY = `vopa${HOSTILE.img}`;
export const STRING_PARAM = `label${HOSTILE.svg}`;
export const LABELS = [`calm${HOSTILE.img}${HOSTILE.script}`, `wild${HOSTILE.frame}`] as const;
export const LOOKBACKS = [10, 20, 30] as const;
export const GROUPS = [`Tech${HOSTILE.img}`, `Health${HOSTILE.comment}`, `Energy${HOSTILE.link}`] as const;
export const SYMBOLS = [`A${HOSTILE.img}`, `=HYPERLINK("http://127.0.0.1:9/x")`, `C${HOSTILE.svg}`, 'DDD', `E${HOSTILE.frame}`] as const;
export const WARNINGS = [`the data begin late ${HOSTILE.img}`, `2 variants: skipped orders ${HOSTILE.script}`] as const;
export const BENCH_LABEL = `SPY${HOSTILE.svg}`;
export const VERDICT = `not distinguishable from luck ${HOSTILE.frame}`;
export const WHY_SPA = `no benchmark ${HOSTILE.img}`;
export const DATA_LOCATION = `/data/${HOSTILE.link}`;
export const RUN_ID = `20250101T000000Z-${HOSTILE.svg.replaceAll('/', '_')}`;
export const CASH = 1_000_000;
export const DAYS = 160;
export const RUINED = 6;
export const RUIN_DAY = 100;
export const CAPITALS = [1e6, 1e7, 1e8, 1e9];
/** Folds: training 60 days, testing 25, rolling. */
export const FOLDS = [60, 85, 110, 135].map((start, k) => ({ fold: k + 1, trainStart: start - 60, trainEnd: start - 1, testStart: start, testEnd: start + 24 }));

export interface Fixture {
  readonly dir: string;
  readonly dates: readonly string[];
  /** Daily returns, equity and drawdown of each variant (1-based: index 0 unused) and of the benchmark. */
  readonly returns: ReadonlyArray<readonly number[]>;
  readonly equity: ReadonlyArray<readonly number[]>;
  readonly benchmark: { readonly returns: readonly number[]; readonly equity: readonly number[]; readonly drawdown: readonly number[] };
  readonly params: ReadonlyArray<{ readonly lookback: number; readonly label: string }>;
}


function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
function csv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function drawdowns(equity: readonly number[]): number[] {
  let peak = CASH;
  return equity.map((e) => {
    peak = Math.max(peak, e);
    return e / peak - 1;
  });
}

export function writeFixture(parent: string): Fixture {
  const dir = join(parent, RUN_ID);
  mkdirSync(dir, { recursive: true });
  const random = rng(20261127);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  // Trading days: weekdays from 2024-10-01, across a year end.
  const dates: string[] = [];
  for (let day = parseIsoDate('2024-10-01')!; dates.length < DAYS; day++) if (weekday(day) % 6 !== 0) dates.push(isoDate(day));

  const benchReturns = dates.map(() => 0.0004 + 0.01 * normal());
  const benchEquity: number[] = [];
  benchReturns.reduce((e, r) => (benchEquity.push(e * (1 + r)), e * (1 + r)), CASH);

  const params = [{ lookback: 0, label: '' }];
  const returns: number[][] = [[]];
  const equity: number[][] = [[]];
  let v = 0;
  for (const lookback of LOOKBACKS) {
    for (const label of LABELS) {
      v++;
      params.push({ lookback, label });
      const beta = 0.6 + 0.2 * v;
      const r = benchReturns.map((b) => 0.0003 * v + beta * b + 0.006 * normal());
      if (v === RUINED) for (let k = 30; k <= RUIN_DAY; k++) r[k] = -0.08; // losses until equity is gone
      const e: number[] = [];
      let level = CASH;
      for (let k = 0; k < DAYS; k++) {
        if (v === RUINED && k > RUIN_DAY) { e.push(0); r[k] = NaN; continue; }
        if (v === RUINED && k === RUIN_DAY) { r[k] = -1; level = 0; e.push(0); continue; }
        level *= 1 + r[k]!;
        e.push(level);
      }
      returns.push(r);
      equity.push(e);
    }
  }
  const variants = v;

  // summary.csv: parameters, then every metric (a few from the curves, the others made up), a ruined
  // variant with its ratios blank, and the walk-forward's `oos` row.
  const metricsOf = (id: number): Record<string, number | null> => {
    const e = equity[id]!, r = returns[id]!.filter(Number.isFinite);
    const sorted = [...r].sort((a, b) => a - b);
    const m: Record<string, number | null> = {};
    ALL_METRICS.forEach((name, k) => { m[name] = Math.round((0.01 * (k + 1) + 0.003 * id) * 1e6) / 1e6; });
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    Object.assign(m, {
      final_equity: e.at(-1)!, total_return: e.at(-1)! / CASH - 1, sharpe: (mean / sd) * Math.sqrt(252), max_drawdown: Math.min(...drawdowns(e)),
      var_95: sorted[Math.floor(0.05 * sorted.length)]!, cvar_95: sorted[0]!, fills: 40 + id, round_trips: 12 + id,
      cost_commission: 100 * id, cost_spread: 50 * id, cost_slippage: 0, cost_impact: 25 * id, cost_borrow: 10 * id, cash_interest: 5 * id,
      cost_total_bps: 2 + id / 10, break_even_bps: 30 - 4 * id, psr: 0.99 - 0.1 * id, dsr: 0.9 - 0.12 * id, sharpe_ci_low: -0.5 + 0.1 * id, sharpe_ci_high: 2.5 - 0.1 * id,
    });
    if (id === RUINED) for (const name of RUIN_BLANKS) m[name] = null;
    return m;
  };
  const header = ['variant', 'strategy', 'status', 'lookback', STRING_PARAM, ...ALL_METRICS];
  const rows: unknown[][] = [];
  for (let id = 1; id <= variants; id++) {
    const m = metricsOf(id);
    rows.push([id, STRATEGY, id === RUINED ? 'ruined' : 'ok', params[id]!.lookback, params[id]!.label, ...ALL_METRICS.map((c) => m[c])]);
  }
  const oosMetrics = metricsOf(2);
  rows.push(['oos', STRATEGY, 'ok', 20, LABELS[1], ...ALL_METRICS.map((c) => (c === 'sharpe' ? 0.77 : oosMetrics[c]))]);
  writeFileSync(join(dir, 'summary.csv'), csv(header, rows));

  // equity.csv and exposure.csv: a long book in GROUPS[0..1] and a short one in GROUPS[2].
  const eqRows: unknown[][] = [];
  const exRows: unknown[][] = [];
  for (let id = 1; id <= variants; id++) {
    const e = equity[id]!, dd = drawdowns(e);
    e.forEach((level, k) => {
      const long = level * 1.1, short = -level * 0.2, cash = level - long - short;
      eqRows.push([dates[k], id, level, cash, long - short, long + short, Number.isFinite(returns[id]![k]!) ? returns[id]![k] : null, dd[k], long, short, level > 0 ? 10 + (k % 3) : 0]);
      if (level > 0) {
        exRows.push([dates[k], id, GROUPS[0], 0.7, 0], [dates[k], id, GROUPS[1], 0.4, 0]);
        if (k % 2 === 0) exRows.push([dates[k], id, GROUPS[2], 0, -0.2]);
      }
    });
  }
  writeFileSync(join(dir, 'equity.csv'), csv(['date', 'variant', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions'], eqRows));
  writeFileSync(join(dir, 'exposure.csv'), csv(['date', 'variant', 'peer_group', 'long', 'short'], exRows));
  const benchDd = drawdowns(benchEquity);
  writeFileSync(join(dir, 'benchmark.csv'), csv(['date', 'equity', 'return', 'drawdown'], dates.map((d, k) => [d, benchEquity[k], benchReturns[k], benchDd[k]])));

  // trades.csv every 5th day; round_trips.csv; diagnostics.csv on the same days.
  const trades: unknown[][] = [];
  const trips: unknown[][] = [];
  const diagnostics: unknown[][] = [];
  for (let id = 1; id <= variants; id++) {
    for (let k = 0; k < DAYS; k += 5) {
      if (equity[id]![k]! <= 0) continue;
      SYMBOLS.forEach((symbol, s) => {
        const quantity = 100 + 10 * s + k, price = 20 + s + k / 10;
        trades.push([dates[k], id, symbol, (k / 5 + s) % 2 ? 'sell' : 'buy', quantity, price, quantity * price, 0.5, id === RUINED && k === 95 ? 'ruin' : s === 4 && k % 20 === 0 ? 'universe' : 'rebalance']);
      });
      diagnostics.push([dates[k], id, 0.1 * Math.sin(k + id), 0.002 * id, 0.95, ...GROUPS.map((_, g) => 0.05 * Math.cos(k + g + id))]);
    }
    for (let t = 0; t < 30; t++) {
      const open = (t * 5) % (DAYS - 10), close = t % 7 === 6 ? null : open + 5;
      const entry = 30 + t, exit = close === null ? null : entry * (1 + 0.02 * Math.sin(t * 3 + id)), quantity = 100 + t;
      trips.push([id, SYMBOLS[t % SYMBOLS.length], t % 4 ? 'long' : 'short', dates[open], close === null ? null : dates[close], quantity, entry, exit,
        exit === null ? null : (exit - entry) * quantity * (t % 4 ? 1 : -1), exit === null ? null : (exit / entry - 1) * (t % 4 ? 1 : -1), close === null ? null : 5]);
    }
  }
  writeFileSync(join(dir, 'trades.csv'), csv(['date', 'variant', 'symbol', 'side', 'quantity', 'price', 'notional', 'cost', 'reason'], trades));
  writeFileSync(join(dir, 'round_trips.csv'), csv(['variant', 'symbol', 'side', 'open_date', 'close_date', 'quantity', 'entry', 'exit', 'pnl', 'return', 'holding_days'], trips));
  writeFileSync(join(dir, 'diagnostics.csv'), csv(['date', 'variant', 'ic', 'quintile_spread', 'coverage', ...GROUPS.map((g) => `ic_${g}`)], diagnostics));

  // overfitting.json, as writers/results.ts writes it.
  const splits = 300;
  const isSharpe = Array.from({ length: splits }, (_, k) => 0.05 + 0.1 * Math.sin(k) ** 2);
  writeFileSync(join(dir, 'overfitting.json'), JSON.stringify({
    trials: variants, effective_trials: 3.2, sharpe_variance: 0.0012, expected_max_sharpe: 0.05, best_variant: 5, best_sharpe: 1.9, best_psr: 0.97, best_dsr: 0.61,
    pbo: 0.42, pbo_splits: 12870, pbo_logit_histogram: { edges: Array.from({ length: 21 }, (_, k) => -2 + 0.2 * k), counts: Array.from({ length: 20 }, (_, k) => 10 + ((k * 37) % 50)) },
    prob_oos_loss: 0.3, degradation_slope: -0.4, degradation_intercept: 0.08, spa_pvalue: null, spa_pvalue_lower: null, spa_pvalue_upper: null, reality_check_pvalue: null,
    min_backtest_years: 0.4, years: DAYS / 252, days: DAYS, verdict: VERDICT, seed: 1, bootstrap_reps: 1000, pbo_blocks: 16, block_length: 13, why_missing: { spa: WHY_SPA },
    pbo_scatter: { every: 43, is_sharpe: isSharpe, oos_sharpe: isSharpe.map((x, k) => 0.08 - 0.4 * x + 0.01 * Math.cos(k)) },
  }));

  // capacity.csv: variants 1–5 at four capitals.
  const capacity: unknown[][] = [];
  for (let id = 1; id <= 5; id++) CAPITALS.forEach((capital, c) => capacity.push([id, capital, 0.2 - 0.04 * c - 0.01 * id, 1.5 - 0.3 * c, 3 + 10 * c, c === 0 ? 0 : 0.1 * c]));
  writeFileSync(join(dir, 'capacity.csv'), csv(['variant', 'capital', 'total_return', 'sharpe', 'cost_total_bps', 'unfilled_share'], capacity));

  // folds.csv and oos_equity.csv: each fold's chosen variant, traded on its test window.
  const chosen = [1, 4, 4, 5];
  writeFileSync(join(dir, 'folds.csv'), csv(
    ['fold', 'train_start', 'train_end', 'test_start', 'test_end', 'variant', 'lookback', STRING_PARAM, 'is_sharpe', 'oos_total_return', 'oos_sharpe', 'oos_max_drawdown', 'oos_rank'],
    FOLDS.map((f, k) => [f.fold, dates[f.trainStart], dates[f.trainEnd], dates[f.testStart], dates[f.testEnd], chosen[k], params[chosen[k]!]!.lookback, params[chosen[k]!]!.label, 2 - 0.2 * k, 0.01 * (k - 1), 0.5 * (k - 1), -0.03 * (k + 1), k + 1]),
  ));
  const oos: unknown[][] = [];
  let level = CASH;
  let peak = CASH;
  FOLDS.forEach((f, k) => {
    for (let d = f.testStart; d <= f.testEnd; d++) {
      const r = returns[chosen[k]!]![d]!;
      level *= 1 + r;
      peak = Math.max(peak, level);
      oos.push([dates[d], 'oos', level, 0, level, level, r, level / peak - 1, level, 0, 10, f.fold, benchEquity[d]]);
    }
  });
  writeFileSync(join(dir, 'oos_equity.csv'), csv(['date', 'variant', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions', 'fold', 'benchmark_equity'], oos));

  const manifest = {
    run_id: RUN_ID, status: 'complete', created_at: '2025-01-01T00:00:00.000Z', command: `backtest (a test folder) ${HOSTILE.img}`,
    strategy: { name: STRATEGY, source: STRATEGY, builtin: false }, rank_by: 'sharpe',
    range: { start: dates[0], end: dates.at(-1), season: null, first_trading_day: dates[0], last_trading_day: dates.at(-1), trading_days: DAYS, first_decision: dates[0] },
    universe: { mode: 'rolling', seasons: [2024, 2025], members: { 2024: 5, 2025: 5 }, symbols: 5 },
    settings: {
      fill: 'open', cash: CASH, fractional: false, commission_bps: 5, slippage_bps: 0, max_leverage: 2, maintenance_margin: 0.25, risk_free: 0.02,
      benchmark: { kind: 'symbol', symbol: BENCH_LABEL }, statistics: { seed: 1, bootstrap_reps: 1000, pbo_blocks: 16 }, save: ['equity', 'trades', 'diagnostics'], save_top: null, signals: false,
      costs: { spread_bps: 2, commission_per_share: 0, min_commission: 0, max_participation: 0.01, adv_days: 20, impact: 'sqrt', impact_k: 1, borrow_bps: 50, borrow_table: false, cash_rate: 0, capacity: CAPITALS },
    },
    variants: params.slice(1).map((p, k) => ({ variant: k + 1, params: { lookback: p.lookback, [STRING_PARAM]: p.label }, status: k + 1 === RUINED ? 'ruined' : 'ok', warnings: [] })),
    benchmark: { kind: 'symbol', label: BENCH_LABEL, total_return: benchEquity.at(-1)! / CASH - 1, cagr: 0.05, sharpe: 0.4, sortino: 0.6, max_drawdown: Math.min(...benchDd) },
    statistics: { file: 'overfitting.json', verdict: VERDICT, trials: variants, pbo: 0.42 },
    walk_forward: { efficiency: 0.55, parameter_changes: 2, note: `stable ${HOSTILE.img}`, folds: FOLDS.length },
    data: { kind: 'local', location: DATA_LOCATION, symbols: SYMBOLS.length },
    files: {}, warnings: WARNINGS,
    warning_details: [{ message: WARNINGS[0], variants: 0, examples: [] }, { message: WARNINGS[1], variants: 2, examples: [{ variant: 1, text: `skipped ${HOSTILE.svg}` }, { variant: 3, text: 'skipped 2' }] }],
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, dates, returns, equity, benchmark: { returns: benchReturns, equity: benchEquity, drawdown: benchDd }, params };
}
