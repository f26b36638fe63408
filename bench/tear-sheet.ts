/**
 * A micro-benchmark of the tear sheet's statistics (not a section of `npm run bench`: the integrated
 * run is measured there once the statistics are wired in). `node bench/tear-sheet.ts [variants]`.
 *
 * 1. Load the variants benchmark's VOPA workload (one year of the sample market) and run its first
 *    `variants` (default 200) variants on one thread, timed: the cost of a variant today.
 * 2. Time, over the same outcomes, the new summary.csv statistics of every variant (benchmark-relative,
 *    distribution, round trips and their statistics, exposure, Sharpe and Sortino with a risk-free
 *    rate; round trips as streamed totals, roundTripTotals), each group apart, the table of trips
 *    (roundTrips, for round_trips.csv) apart, and the report's series (rolling 63-day Sharpe,
 *    volatility and beta, the 5 worst drawdowns, yearly returns), which the report needs for its
 *    best variants only.
 * 3. Print medians of CPU time (user + system: other work on a shared machine moves wall time far more)
 *    and their ratio to the sweep.
 */
import { buildRunConfig } from '../src/config/run-config.ts';
import { dailyReturns, drawdowns } from '../src/metrics/index.ts';
import { worstDrawdowns } from '../src/metrics/drawdown-periods.ts';
import { yearlyTable } from '../src/metrics/periods.ts';
import { dailyRiskFree } from '../src/metrics/risk-free.ts';
import { rollingBeta, rollingSharpe, rollingVolatility } from '../src/metrics/rolling.ts';
import { roundTrips, roundTripTotals } from '../src/metrics/round-trips.ts';
import { sharpe } from '../src/metrics/sharpe.ts';
import { sortino } from '../src/metrics/sortino.ts';
import { benchmarkMetrics, distributionMetrics, exposureMetrics, roundTripMetrics } from '../src/metrics/tear-sheet.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { openSource } from '../src/source/index.ts';
import { runVariants } from '../src/variants/run-variants.ts';
import { runSchedule } from '../src/variants/evaluate.ts';
import { WORKLOADS } from './variants.ts';
import { fmt, summarize, type Measure } from './lib.ts';

/** CPU milliseconds (user + system) of each of `runs` runs after `warmup`: steadier than wall time on a shared machine. */
async function cpuTime(fn: () => unknown, runs: number, warmup = 1): Promise<Measure> {
  for (let k = 0; k < warmup; k++) await fn();
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  return summarize(samples);
}

const count = Number(process.argv[2] ?? 200);
const w = WORKLOADS.vopa;
const config = await buildRunConfig({ command: 'bench', start: w.start, end: w.end, strategy: w.strategy, grid: [...w.grid], cash: w.cash, source: 'local', env: {} });
const strategy = config.strategy.strategy;
const variants = config.variants.slice(0, count);
const warmup = Math.max(...variants.map((p) => strategy.warmup(p as never)));
const source = openSource(config.source);
const { panel } = await source.loadWindow({ season: config.season, startDay: config.startDay, endDay: config.endDay, warmupBars: warmup + 1 });
await source.close();
const n = panel.symbols.length;

const factors = new FactorCache(panel);
const run = () => runVariants({
  shared: { panel, strategySource: config.strategy.source, schedule: runSchedule(panel, strategy, variants, config.startDay, config.endDay, 'open'), settings: { cash: config.cash, fractional: false, commissionBps: 0, slippageBps: 0 }, factors: [] },
  strategy, variants, factors, workers: 1,
});
let outcomes = (await run()).outcomes;
const sweep = await cpuTime(async () => { outcomes = (await run()).outcomes; }, 5, 1);

// The benchmark: buy-and-hold of the universe is the lead's to wire; its cost here is that of any daily series.
const days = outcomes[0]!.result.curve.equity.length;
const first = outcomes[0]!.schedule.first;
const benchmark = dailyReturns(outcomes[0]!.result.curve.equity, config.cash);
const dayNumbers = panel.days.subarray(first, first + days);
const rf = dailyRiskFree(0.04);
const positions = new Float64Array(days).fill(20);
let sink = 0;

const summary = await cpuTime(() => {
  for (const v of outcomes) {
    const { equity, gross, net } = v.result.curve;
    const r = dailyReturns(equity, config.cash);
    const last = v.schedule.last;
    const totals = roundTripTotals(v.result.trades, { bar: last, close: panel.close.subarray(last * n, last * n + n) });
    const b = benchmarkMetrics(r, benchmark, rf), d = distributionMetrics(r), t = roundTripMetrics(totals), e = exposureMetrics(equity, gross, net, positions);
    sink += (b.alpha ?? 0) + (d.var_95 ?? 0) + (t.win_rate ?? 0) + (e.avg_positions ?? 0) + (sharpe(r, rf) ?? 0) + (sortino(r, rf) ?? 0);
  }
}, 15, 3);

console.log('each group alone (CPU time a variant):');
const parts: Record<string, (v: (typeof outcomes)[number]) => number> = {
  'daily returns': (v) => dailyReturns(v.result.curve.equity, config.cash)[0]!,
  'benchmark-relative (with returns)': (v) => benchmarkMetrics(dailyReturns(v.result.curve.equity, config.cash), benchmark, rf).alpha ?? 0,
  'distribution (with returns)': (v) => distributionMetrics(dailyReturns(v.result.curve.equity, config.cash)).var_95 ?? 0,
  'round trips as a table (round_trips.csv)': (v) => roundTrips(v.result.trades, { bar: v.schedule.last, close: panel.close.subarray(v.schedule.last * n, v.schedule.last * n + n) }).length,
  'round trips, totals and statistics': (v) => roundTripMetrics(roundTripTotals(v.result.trades, { bar: v.schedule.last, close: panel.close.subarray(v.schedule.last * n, v.schedule.last * n + n) })).win_rate ?? 0,
  exposure: (v) => exposureMetrics(v.result.curve.equity, v.result.curve.gross, v.result.curve.net, positions).avg_positions ?? 0,
};
for (const [name, f] of Object.entries(parts)) {
  const m = await cpuTime(() => { for (const v of outcomes) sink += f(v); }, 15, 3);
  console.log(`  ${name}: ${(m.median / outcomes.length * 1000).toFixed(1)} µs a variant`);
}

const report = await cpuTime(() => {
  for (const v of outcomes) {
    const { equity } = v.result.curve;
    const r = dailyReturns(equity, config.cash);
    sink += rollingSharpe(r, 63, rf)[days - 1]! + rollingVolatility(r)[days - 1]! + rollingBeta(r, benchmark)[days - 1]!;
    sink += worstDrawdowns(drawdowns(equity, config.cash), 5).length + yearlyTable(r, benchmark, dayNumbers).length;
  }
}, 15, 3);

const trips = outcomes.reduce((s, v) => s + v.result.trades.length, 0) / outcomes.length;
const tripCount = outcomes.reduce((s, v) => s + roundTrips(v.result.trades, { bar: v.schedule.last, close: panel.close.subarray(v.schedule.last * n, v.schedule.last * n + n) }).length, 0) / outcomes.length;
console.log(`${outcomes.length} VOPA variants, ${days} days, ${n} symbols, ${trips.toFixed(0)} fills and ${tripCount.toFixed(0)} round trips a variant on average (checksum ${sink.toFixed(3)})`);
console.log(`sweep on one thread:                       ${fmt.ms(sweep.median)} (${(sweep.median / outcomes.length * 1000).toFixed(0)} µs a variant; min ${fmt.ms(sweep.min)}, max ${fmt.ms(sweep.max)})`);
console.log(`new summary statistics, every variant:     ${fmt.ms(summary.median)} (${(summary.median / outcomes.length * 1000).toFixed(1)} µs a variant) = ${(100 * summary.median / sweep.median).toFixed(2)} % of the sweep`);
console.log(`report series, if done for every variant:  ${fmt.ms(report.median)} (${(report.median / outcomes.length * 1000).toFixed(1)} µs a variant) = ${(100 * report.median / sweep.median).toFixed(2)} % of the sweep`);
