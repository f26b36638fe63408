import { describe, expect, it } from 'vitest';
import { Targets } from '../../src/broker/targets.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { strategyOf } from '../support/strategies.ts';

// The leverage limit is an upper bound: a book exactly at it is within it. It is neither scaled nor
// counted as scaled (the manifest's leverage_scaled), and its trades are those of its own weights.

describe('Targets at the leverage limit', () => {
  it('weights whose Σ|w| equals the limit exactly are left alone and not reported as scaled', () => {
    const t = new Targets(4);
    t.push(0, 0.75);
    t.push(2, -0.25); // Σ|w| = 1, exactly (dyadic)
    expect(t.capLeverage(1)).toBe(false);
    expect(Array.from(t.weights)).toEqual([0.75, 0, -0.25, 0]);
    // just above the limit: scaled by 1 / 1.25 = 0.8 and reported
    t.clear();
    t.push(0, 1);
    t.push(3, -0.25);
    expect(t.capLeverage(1)).toBe(true);
    expect(Array.from(t.weights)).toEqual([0.8, 0, 0, -0.2]);
  });

  it('a run whose decisions sit exactly at the limit counts no scaled fill; one above counts each', () => {
    const dates = businessDates('2024-01-01', 5);
    const panel = handPanel({ dates, symbols: ['A', 'B'], close: dates.map(() => [10, 20]) });
    const run = (w: Record<string, number>, maxLeverage: number) => {
      const schedule = planSchedule(panel, parseIsoDate(dates[1]!)!, parseIsoDate(dates[4]!)!, 0, 'open');
      return simulate(panel, strategyOf(() => w), {}, schedule, { cash: 1000, fractional: false, commissionBps: 0, slippageBps: 0, maxLeverage },
        new FactorCache(panel), createContext(undefined));
    };
    const traded = (r: ReturnType<typeof run>) => Object.fromEntries(Array.from({ length: r.trades.length }, (_, k) => [panel.symbols[r.trades.column[k]!], r.trades.quantity[k]]));
    const at = run({ A: 1, B: -0.5 }, 1.5); // Σ|w| = 1.5 = the limit, at every decision
    expect(at.leverageScaled).toBe(0);
    // 1000 × 1 / 10 = 100 A long and 1000 × 0.5 / 20 = 25 B short: the weights as given, once
    expect(traded(at)).toEqual({ A: 100, B: -25 });
    const above = run({ A: 1, B: -0.5 }, 1.25);
    expect(above.leverageScaled).toBeGreaterThan(0);
  });
});
