/**
 * Simulation throughput with the data already loaded: symbol-days per second for `momentum`
 * (top 10 by 20-day rate of change, rebalanced daily) and `vopa` (defaults) on a synthetic
 * 500 symbols × 1,000 days panel made with the sample generator. Factors are computed inside
 * each measured run (a fresh cache every time): they are part of the work.
 */
import type { Params, Strategy } from '../src/api.ts';
import { evaluateVariant, runSchedule } from '../src/variants/evaluate.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../src/sample/generator.ts';
import { loadStrategy } from '../src/strategy/registry.ts';
import { time, type Measure } from './lib.ts';

export interface SimulationResult {
  readonly symbolDays: number;
  /** The backtest alone: factors, decisions, fills, marking, metrics. */
  readonly momentum: Measure;
  readonly vopa: Measure;
  /** The same with the signal diagnostics (IC, quintile spread, per-group IC on every decision day). */
  readonly momentumWithDiagnostics: Measure;
  readonly vopaWithDiagnostics: Measure;
}

export async function simulationBench(runs = 7): Promise<SimulationResult> {
  const market = generateSampleMarket({ seed: 7, symbols: 500, from: '2020-01-01', to: '2023-10-31' });
  const panel = samplePanel(market);
  const bars = panel.days.length, n = panel.symbols.length;
  const run = (strategy: Strategy, params: Params, diagnostics: boolean) => () =>
    evaluateVariant({
      panel, strategy, id: 1, params,
      schedule: runSchedule(panel, strategy, [params], panel.days[0]!, panel.days[bars - 1]!, 'open'),
      settings: { cash: 1e7, fractional: false, commissionBps: 1, slippageBps: 1 },
      factors: new FactorCache(panel),
      diagnostics,
    });
  const momentum = (await loadStrategy('momentum')).strategy;
  const vopa = (await loadStrategy('vopa')).strategy;
  const momentumParams = { lookback: 20, top: 10, rebalance: 1 };
  const vopaParams = { lookback: 63, skip: 0, minPeers: 3, top: 10, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 };
  return {
    symbolDays: bars * n,
    momentum: await time(run(momentum, momentumParams, false), runs, 2),
    vopa: await time(run(vopa, vopaParams, false), runs, 2),
    momentumWithDiagnostics: await time(run(momentum, momentumParams, true), runs, 1),
    vopaWithDiagnostics: await time(run(vopa, vopaParams, true), runs, 1),
  };
}

if (import.meta.main) {
  const r = await simulationBench();
  for (const k of ['momentum', 'vopa', 'momentumWithDiagnostics', 'vopaWithDiagnostics'] as const) {
    console.log(`${k}: ${r[k].median.toFixed(1)} ms, ${(r.symbolDays / r[k].median / 1000).toFixed(1)} M symbol-days/s`);
  }
}
