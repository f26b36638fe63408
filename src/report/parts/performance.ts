import { numberOrNull, type SummaryRow } from '../../inspect/index.ts';
import { worstDrawdowns } from '../../metrics/drawdown-periods.ts';
import { yearlyReturns } from '../../metrics/periods.ts';
import { dailyRiskFree } from '../../metrics/risk-free.ts';
import { rollingBeta, rollingSharpe, rollingVolatility } from '../../metrics/rolling.ts';
import { parseIsoDate } from '../../util/dates.ts';
import { alignSeries, downsample, histogram, monthlyReturns, thinColumns, type AlignedSeries, type Histogram, type MonthlyReturns } from '../series.ts';
import { nullable, type DailyColumns, type PartContext } from './context.ts';

/**
 * The performance charts, from equity.csv and benchmark.csv:
 * 1. equity of the top K variants beside the benchmark (the page offers a log scale);
 * 2. the detail variant's (the best one with daily rows) cumulative return against the benchmark's;
 * 3. its underwater curve beside the benchmark's, and its 5 worst drawdown periods (metrics/drawdown-periods.ts);
 * 4. rolling 63-day Sharpe, volatility and beta against the benchmark (metrics/rolling.ts), from the
 *    daily returns as equity.csv and benchmark.csv hold them, when the run has 2 windows of days;
 * 5. yearly returns beside the benchmark's (metrics/periods.ts) and monthly returns;
 * 6. the distribution of its daily returns, with summary.csv's historical VaR and CVaR (95 %) marked.
 * Daily series are thinned past MAX_POINTS (series.ts); the statistics are computed on every day first.
 */
export const ROLLING_WINDOW = 63;

/** Daily series of the top variants, and the benchmark's on the same dates; `bucket` > 1 when thinned. */
export interface ChartSeries extends AlignedSeries {
  readonly bucket: number;
  readonly benchmark: ReadonlyArray<number | null> | null;
}

export interface DrawdownRow {
  /** The last day at the peak; null when the peak is the starting cash (before the first day). */
  readonly peak: string | null;
  readonly trough: string;
  readonly recovery: string | null;
  readonly depth: number;
  readonly days: number;
}

export interface PerformancePart {
  readonly equity: ChartSeries;
  readonly cumulative: { readonly label: string; readonly dates: readonly string[]; readonly strategy: ReadonlyArray<number | null>; readonly benchmark: ReadonlyArray<number | null> | null };
  readonly underwater: { readonly label: string; readonly dates: readonly string[]; readonly strategy: ReadonlyArray<number | null>; readonly benchmark: ReadonlyArray<number | null> | null; readonly worst: readonly DrawdownRow[] };
  readonly rolling: { readonly label: string; readonly window: number; readonly dates: readonly string[]; readonly sharpe: ReadonlyArray<number | null>; readonly volatility: ReadonlyArray<number | null>; readonly beta: ReadonlyArray<number | null> | null } | null;
  readonly yearly: { readonly label: string; readonly years: readonly number[]; readonly strategy: readonly number[]; readonly benchmark: ReadonlyArray<number | null> | null };
  readonly monthly: MonthlyReturns & { readonly label: string };
  readonly distribution: ({ readonly label: string; readonly days: number; readonly var95: number | null; readonly cvar95: number | null } & Histogram) | null;
}

/**
 * The performance part for the top variants (`top`) and the detail variant (`detail`, with its
 * summary row), or null when the run saved no daily rows for them.
 */
export function performancePart(ctx: PartContext, top: ReadonlyArray<DailyColumns | undefined>, detail: DailyColumns, detailRow: SummaryRow, detailLabel: string): PerformancePart {
  const { notes } = ctx;
  const equity = topEquity(top);
  const { dates } = detail;
  const n = dates.length;
  const bench = detail.benchmark;
  const cumulative = thinColumns(dates, {
    strategy: nullable(detail.equity.map((e) => e / ctx.cash - 1)),
    ...(bench ? { benchmark: nullable(bench.equity.map((e) => e / ctx.cash - 1)) } : {}),
  }, 'last');
  const under = thinColumns(dates, { strategy: nullable(detail.drawdown), ...(bench ? { benchmark: nullable(bench.drawdown) } : {}) }, 'min');
  const finiteDd = detail.drawdown.map((d) => (Number.isFinite(d) ? d : 0));
  const worst = worstDrawdowns(finiteDd, 5).map((p) => ({ peak: p.peak >= 0 ? dates[p.peak]! : null, trough: dates[p.trough]!, recovery: p.recovery === null ? null : dates[p.recovery]!, depth: p.depth, days: p.days }));

  let rolling: PerformancePart['rolling'] = null;
  const returnsComplete = detail.ret.every(Number.isFinite);
  if (n < 2 * ROLLING_WINDOW) notes.push(`rolling ${ROLLING_WINDOW}-day statistics need at least ${2 * ROLLING_WINDOW} trading days; this run has ${n}: no rolling chart`);
  else if (!returnsComplete) notes.push(`variant ${detail.variant}'s daily returns have gaps (a ruined variant): no rolling chart`);
  else {
    const benchComplete = bench !== null && bench.ret.every(Number.isFinite);
    if (bench && !benchComplete) notes.push('benchmark.csv does not cover every day of the variant: no rolling beta');
    const thin = thinColumns(dates, {
      sharpe: nullable(rollingSharpe(detail.ret, ROLLING_WINDOW, dailyRiskFree(ctx.riskFree))),
      volatility: nullable(rollingVolatility(detail.ret, ROLLING_WINDOW)),
      ...(benchComplete ? { beta: nullable(rollingBeta(detail.ret, bench.ret, ROLLING_WINDOW)) } : {}),
    }, 'last');
    const v = thin.values;
    rolling = { label: detailLabel, window: ROLLING_WINDOW, dates: thin.dates, sharpe: v.sharpe!, volatility: v.volatility!, beta: v.beta ?? null };
  }

  const days = Float64Array.from(dates, (d) => parseIsoDate(d) ?? NaN);
  const finiteRet = detail.ret.map((r) => (Number.isFinite(r) ? r : 0));
  const years = yearlyReturns(finiteRet, days);
  const benchYears = bench && bench.ret.every(Number.isFinite) ? yearlyReturns(bench.ret, days) : null;
  const dist = histogram(detail.ret);
  const thinnedCumulative = cumulative.values;
  const thinnedUnder = under.values;
  return {
    equity,
    cumulative: { label: detailLabel, dates: cumulative.dates, strategy: thinnedCumulative.strategy!, benchmark: thinnedCumulative.benchmark ?? null },
    underwater: { label: detailLabel, dates: under.dates, strategy: thinnedUnder.strategy!, benchmark: thinnedUnder.benchmark ?? null, worst },
    rolling,
    yearly: { label: detailLabel, years: years.map((y) => y.year), strategy: years.map((y) => y.value), benchmark: benchYears ? benchYears.map((y) => y.value) : null },
    monthly: { ...monthlyReturns(dates, nullable(detail.ret)), label: detailLabel },
    distribution: dist ? { label: detailLabel, days: detail.ret.filter(Number.isFinite).length, var95: numberOrNull(detailRow.var_95), cvar95: numberOrNull(detailRow.cvar_95), ...dist } : null,
  };
}

/** Equity of the top variants aligned on their dates, with the benchmark over the same days, thinned alike. */
function topEquity(top: ReadonlyArray<DailyColumns | undefined>): ChartSeries {
  const present = top.filter((d): d is DailyColumns => d !== undefined);
  const aligned = alignSeries(present.map((d) => new Map(d.dates.map((date, k) => [date, Number.isFinite(d.equity[k]!) ? d.equity[k]! : null]))));
  const byDate = new Map<string, number>();
  for (const d of present) d.benchmark?.equity.forEach((e, k) => { if (Number.isFinite(e)) byDate.set(d.dates[k]!, e); });
  const bench = present.some((d) => d.benchmark) ? aligned.dates.map((d) => byDate.get(d) ?? null) : null;
  const thin = downsample(bench ? { dates: aligned.dates, values: [...aligned.values, bench] } : aligned, 'last');
  return { dates: thin.dates, bucket: thin.bucket, values: bench ? thin.values.slice(0, -1) : thin.values, benchmark: bench ? thin.values.at(-1)! : null };
}
