import { expect } from 'vitest';
import type { Params, Strategy } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { actingStrategy } from '../../src/runner/acting.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { Schedule } from '../../src/runner/schedule.ts';
import { simulate, type SimulationResult, type SimulationSettings } from '../../src/runner/simulate.ts';
import { simulateSingleSymbol, singleSymbolApplies } from '../../src/runner/single-symbol.ts';
import { createContext } from '../../src/strategy/context.ts';
import { sameBits } from './bits.ts';

/**
 * The one-symbol path (runner/single-symbol.ts) and its oracle, the general simulation, on one
 * schedule: `fast` is undefined when the one-symbol path gave the run back.
 */
export function runBothPaths(panel: Panel, strategy: Strategy, params: Params, schedule: Schedule, settings: SimulationSettings): { fast: SimulationResult | undefined; general: SimulationResult; factors: FactorCache } {
  const factors = new FactorCache(panel, { fill: schedule.fill });
  expect(singleSymbolApplies(panel, settings, factors)).toBe(true);
  const fast = simulateSingleSymbol(panel, strategy, params, schedule, settings, factors, createContext(undefined));
  const general = simulate(panel, actingStrategy(strategy, params, factors, panel), params, schedule, settings, factors, createContext(undefined));
  return { fast, general, factors };
}

/** The same result: trades, every curve column to the bit, and everything else. */
export function expectSameResult(fast: SimulationResult, general: SimulationResult): void {
  expect(fast.trades).toEqual(general.trades);
  for (const k of Object.keys(general.curve) as (keyof typeof general.curve)[]) expect(sameBits(fast.curve[k], general.curve[k]), `curve.${k}`).toBe(true);
  const { curve: _a, trades: _b, ...restFast } = fast;
  const { curve: _c, trades: _d, ...restGeneral } = general;
  expect(restFast).toEqual(restGeneral);
}
