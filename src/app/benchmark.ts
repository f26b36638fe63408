import { UsageError } from '../errors.ts';
import type { BenchmarkChoice } from '../config/benchmark.ts';
import { performance, type Metrics } from '../metrics/index.ts';
import type { BenchmarkOutcome } from '../metrics/outcome.ts';
import { dailyRiskFree } from '../metrics/risk-free.ts';
import { dailyReturns } from '../metrics/returns.ts';
import { distributionMetrics } from '../metrics/tear-sheet.ts';
import type { Panel } from '../panel/panel.ts';
import { allocateCurve } from '../recorder/equity-curve.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import { benchmarkOnDays, readBenchmarkFile } from '../source/benchmark-file.ts';
import { loadStrategy } from '../strategy/registry.ts';
import { evaluateVariant } from '../variants/evaluate.ts';

/**
 * What a run is compared with (`--benchmark`), over the same days as its variants:
 * - `buy-and-hold` (the default): the `buy-and-hold` strategy on the same universe, simulated with the
 *   run's costs — a book one could hold;
 * - `equal-weight`: the equal-weighted index of the universe, rebalanced daily, without costs: each day
 *   the mean close-to-close return of that day's members that have both closes;
 * - a symbol in the data (e.g. an index ETF; read beside the universe, never traded): its close-to-close
 *   return (a total return when the data are adjusted);
 * - a file of daily returns (`date,return`, source/benchmark-file.ts).
 * A day's return is against the previous trading day's close (the first day's too, when the window
 * holds that day; else 0). The benchmark's equity is the run's cash grown by its returns.
 */
export async function evaluateBenchmark(
  choice: BenchmarkChoice,
  panel: Panel,
  schedule: Schedule,
  settings: SimulationSettings,
  factors: FactorCache,
): Promise<BenchmarkOutcome> {
  const { first, last } = schedule;
  if (choice.kind === 'buy-and-hold') {
    const { strategy } = await loadStrategy('buy-and-hold');
    const outcome = evaluateVariant({ panel, strategy, id: 0, params: {}, schedule, settings, factors, diagnostics: false });
    const { equity } = outcome.result.curve;
    const returns = dailyReturns(equity, settings.cash);
    return { kind: 'buy-and-hold', label: 'buy-and-hold', returns, equity, outcome, metrics: { ...outcome.metrics, ...distributionMetrics(returns) } };
  }
  let returns: Float64Array;
  if (choice.kind === 'file') {
    returns = benchmarkOnDays(await readBenchmarkFile(choice.file), panel.days.subarray(first, last + 1));
  } else if (choice.kind === 'symbol') {
    returns = symbolReturns(panel, choice.symbol, first, last);
  } else {
    returns = equalWeightReturns(panel, first, last);
  }
  const equity = new Float64Array(returns.length);
  let e = settings.cash;
  for (let d = 0; d < returns.length; d++) equity[d] = e *= 1 + returns[d]!;
  const curve = { ...allocateCurve(0), equity };
  const m = performance({ curve, startCash: settings.cash, fills: 0, roundTrips: 0, tradedNotional: 0, riskFree: dailyRiskFree(settings.riskFree ?? 0) });
  // An index, not a book: no fills, turnover or exposure to speak of.
  const metrics: Metrics = { ...m, fills: null as never, round_trips: null as never, turnover: null, gross_exposure: null, ...distributionMetrics(returns) };
  const label = choice.kind === 'file' ? choice.file : choice.kind === 'symbol' ? choice.symbol : 'equal-weight';
  return { kind: choice.kind, label, returns, equity, metrics };
}

/** A symbol's close-to-close returns over bars first … last; every day needs a close (bad input otherwise). */
function symbolReturns(panel: Panel, symbol: string, first: number, last: number): Float64Array {
  const i = panel.symbols.indexOf(symbol);
  const n = panel.symbols.length;
  if (i < 0 || panel.firstBar[i]! < 0) throw new UsageError(`--benchmark ${symbol}: no such symbol in the data`, 'E_BAD_BENCHMARK');
  const out = new Float64Array(last - first + 1);
  let missing = 0, firstMissing = '';
  for (let t = first; t <= last; t++) {
    const c = panel.close[t * n + i]!;
    if (!(c > 0)) {
      if (missing++ === 0) firstMissing = panel.dates[t]!;
      continue;
    }
    const prev = t > 0 ? panel.close[(t - 1) * n + i]! : NaN;
    out[t - first] = prev > 0 ? c / prev - 1 : 0;
  }
  if (missing) {
    throw new UsageError(`--benchmark ${symbol}: no close on ${missing} of the run's ${last - first + 1} trading days (the first: ${firstMissing}); a benchmark must cover the range`, 'E_BAD_BENCHMARK');
  }
  return out;
}

/** The universe's equal-weighted daily return: the mean over that day's members with both closes. */
function equalWeightReturns(panel: Panel, first: number, last: number): Float64Array {
  const n = panel.symbols.length;
  const out = new Float64Array(last - first + 1);
  for (let t = first; t <= last; t++) {
    if (t === 0) continue;
    let sum = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (panel.member[t * n + i] === 0) continue;
      const r = panel.close[t * n + i]! / panel.close[(t - 1) * n + i]! - 1;
      if (r === r) { sum += r; count++; }
    }
    out[t - first] = count ? sum / count : 0;
  }
  return out;
}
