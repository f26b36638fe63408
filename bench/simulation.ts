/**
 * Simulation throughput with the data already loaded: symbol-days per second for `momentum`
 * (top 10 by 20-day rate of change, rebalanced daily) and `vopa` (defaults) on a synthetic
 * 500 symbols × 1,000 days panel made with the sample generator. Factors are computed inside
 * each measured run (a fresh cache every time): they are part of the work. The momentum workload is
 * also measured with every cost model on (spread, per-share commission with a minimum, a 5 %
 * participation limit with carried remainders, Almgren impact, borrow and cash interest), last — so
 * that its code paths do not slow the other measurements (the JIT's feedback is per process) —
 * with the CPU time of both runs beside their wall time.
 */
import type { Params, Strategy } from '../src/api.ts';
import type { SimulationSettings } from '../src/runner/simulate.ts';
import { evaluateVariant, runSchedule } from '../src/variants/evaluate.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../src/sample/generator.ts';
import { loadStrategy } from '../src/strategy/registry.ts';
import { time, timeWithCpu, type Measure } from './lib.ts';

export interface SimulationResult {
  readonly symbolDays: number;
  /** The backtest alone: factors, decisions, fills, marking, metrics. */
  readonly momentum: Measure;
  readonly vopa: Measure;
  /** The same with the signal diagnostics (IC, quintile spread, per-group IC on every decision day). */
  readonly momentumWithDiagnostics: Measure;
  /** Momentum with every cost model on; CPU times of it and of plain momentum. */
  readonly momentumWithCosts: Measure;
  readonly momentumCpu: Measure;
  readonly momentumWithCostsCpu: Measure;
  readonly vopaWithDiagnostics: Measure;
}

export async function simulationBench(runs = 7): Promise<SimulationResult> {
  const market = generateSampleMarket({ seed: 7, symbols: 500, from: '2020-01-01', to: '2023-10-31' });
  const panel = samplePanel(market);
  const bars = panel.days.length, n = panel.symbols.length;
  const plain: SimulationSettings = { cash: 1e7, fractional: false, commissionBps: 1, slippageBps: 1 };
  const costs: SimulationSettings = {
    ...plain, spreadBps: 2, commissionPerShare: 0.005, minCommission: 1, maxParticipation: 0.05, advDays: 20, impact: 'almgren', impactHorizon: 0.5, borrowBps: 50, cashRate: 0.03,
  };
  const run = (strategy: Strategy, params: Params, diagnostics: boolean, settings = plain) => () =>
    evaluateVariant({
      panel, strategy, id: 1, params,
      schedule: runSchedule(panel, strategy, [params], panel.days[0]!, panel.days[bars - 1]!, 'open'),
      settings,
      factors: new FactorCache(panel),
      diagnostics,
    });
  const momentum = (await loadStrategy('momentum')).strategy;
  const vopa = (await loadStrategy('vopa')).strategy;
  const momentumParams = { lookback: 20, top: 10, rebalance: 1 };
  const vopaParams = { lookback: 63, skip: 0, minPeers: 3, top: 10, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 };
  const plainMomentum = await timeWithCpu(run(momentum, momentumParams, false), runs, 2);
  const vopaTime = await time(run(vopa, vopaParams, false), runs, 2);
  const momentumWithDiagnostics = await time(run(momentum, momentumParams, true), runs, 1);
  const vopaWithDiagnostics = await time(run(vopa, vopaParams, true), runs, 1);
  const withCosts = await timeWithCpu(run(momentum, momentumParams, false, costs), runs, 2);
  return {
    symbolDays: bars * n,
    momentum: plainMomentum.wall,
    momentumCpu: plainMomentum.cpu,
    momentumWithCosts: withCosts.wall,
    momentumWithCostsCpu: withCosts.cpu,
    vopa: vopaTime,
    momentumWithDiagnostics,
    vopaWithDiagnostics,
  };
}

if (import.meta.main) {
  const r = await simulationBench();
  for (const k of ['momentum', 'momentumWithCosts', 'vopa', 'momentumWithDiagnostics', 'vopaWithDiagnostics'] as const) {
    console.log(`${k}: ${r[k].median.toFixed(1)} ms, ${(r.symbolDays / r[k].median / 1000).toFixed(1)} M symbol-days/s`);
  }
}
