import { describe, expect, it } from 'vitest';
import type { Factor, Strategy } from '../../src/api.ts';
import { belowMaintenance, DEFAULT_MAINTENANCE_MARGIN } from '../../src/broker/margin.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { SimulationSettings } from '../../src/runner/simulate.ts';
import { simulateSingleSymbol } from '../../src/runner/single-symbol.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { createContext } from '../../src/strategy/context.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { businessDates, handPanel, walkPanel } from '../support/panel.ts';
import { expectSameResult, runBothPaths } from '../support/single-symbol.ts';

/**
 * The one-symbol path (runner/single-symbol.ts) against the general simulation on the inputs that
 * reach its rarer paths: a window that starts after the data do (bars stepped through before the
 * first scored day) and one that ends before the delisting; fills on bars without an open; a short
 * or a leveraged long held across quiet bars (the solvency-checked stretch), handed back at the
 * margin; a run with no cash; a maintenance ratio of 1; close fills deciding on the delisting bar.
 */

function both(panel: Panel, strategy: Strategy, settings: SimulationSettings, fill: 'open' | 'close', range: [number, number], expectFast: boolean | undefined) {
  const schedule = runSchedule(panel, strategy, [{}], range[0], range[1], fill);
  const { fast, general, factors } = runBothPaths(panel, strategy, {}, schedule, settings);
  if (expectFast !== undefined) expect(fast !== undefined, 'the one-symbol path applied').toBe(expectFast);
  if (fast) {
    expectSameResult(fast, general);
  } else {
    // Given back only when some close was at ruin or below the maintenance margin (the general path
    // then cuts the book, or finds it within the leverage limit and leaves it: the same outcome).
    const m = settings.maintenanceMargin ?? DEFAULT_MAINTENANCE_MARGIN, { equity, gross } = general.curve;
    expect(equity.some((e, k) => e <= 0 || belowMaintenance(e, gross[k]!, m)), 'given back only at the margin or ruin').toBe(true);
  }
  const job = { panel, strategy, id: 1, params: {}, schedule, settings, factors };
  const a = evaluateVariant(job), b = evaluateVariant({ ...job, generalPath: true });
  expect(a.metrics).toEqual(b.metrics);
  expect(a.result.trades).toEqual(b.result.trades);
  expect(a.result.curve.equity).toEqual(b.result.curve.equity);
  return { fast, general };
}

/** Weight w from the close of bar t, acting only on the script's bars (`actsOn`), or asked every bar. */
function scripted(script: ReadonlyArray<readonly [number, number]>, everyBar = false, warmup = 2): Strategy {
  const at = new Map(script.map(([t, w]) => [t, w]));
  const marked: Factor = { key: `edge-script(${script.join(';')})`, create: () => (history, out) => { out[0] = at.has(history.t) ? 1 : 0; } };
  return {
    name: 'scripted', description: 'test', params: {}, warmup: () => warmup,
    factors: () => ({ marked }),
    ...(everyBar ? {} : { actsOn: () => 'marked' }),
    decide(bar) {
      const w = at.get(bar.t);
      return w === undefined ? undefined : { XYZ: w };
    },
  } as Strategy;
}

const PLAIN: SimulationSettings = { cash: 100_000, fractional: false, commissionBps: 0, slippageBps: 0 };
const COSTLY: SimulationSettings = { cash: 10_000, fractional: true, commissionBps: 3, slippageBps: 2, spreadBps: 4, commissionPerShare: 0.005, minCommission: 1 };

describe('the one-symbol path at its edges, against the general simulation', () => {
  it('a window that starts after the data do, and one that ends before the delisting (or on it)', () => {
    const panel = walkPanel(23, 200, { endAt: 150, gaps: [40, 41] });
    const d = panel.days;
    const script = [[5, 1], [30, 0.5], [60, 1], [100, 0], [120, 1], [140, 0.7]] as const;
    for (const settings of [PLAIN, COSTLY]) {
      for (const fill of ['open', 'close'] as const) {
        for (const range of [[d[50]!, d[199]!], [d[10]!, d[130]!], [d[45]!, d[150]!], [d[0]!, d[149]!], [d[61]!, d[199]!]] as [number, number][]) {
          for (const everyBar of [false, true]) both(panel, scripted(script, everyBar), settings, fill, range, true);
        }
      }
    }
  });

  it('targets decided before bars without an open: open fills wait (skipped) and fill at the next open', () => {
    const panel = walkPanel(29, 120, { noOpen: [11, 12, 31, 70, 71, 72, 90] });
    const d = panel.days;
    const script = [[10, 1], [30, 0.4], [69, 0], [80, 1], [89, 0.5], [100, 0]] as const;
    for (const settings of [PLAIN, COSTLY]) {
      for (const fill of ['open', 'close'] as const) {
        const { general } = both(panel, scripted(script), settings, fill, [d[0]!, d[119]!], true);
        if (fill === 'open') expect(general.skipped.length).toBeGreaterThan(0);
        both(panel, scripted(script, true), settings, fill, [d[0]!, d[119]!], true);
      }
    }
  });

  it('close fills deciding on the delisting bar, and a buy on it: the position is sold at that close', () => {
    const panel = walkPanel(31, 80, { endAt: 60 });
    const d = panel.days;
    for (const script of [[[10, 1], [60, 0.5]], [[10, 1], [59, 0]], [[60, 1]], [[58, -0.5]], [[20, -1], [60, -1]]] as const) {
      for (const settings of [PLAIN, COSTLY]) {
        for (const fill of ['open', 'close'] as const) {
          const { general } = both(panel, scripted(script as never), settings, fill, [d[0]!, d[79]!], undefined);
          // A position still held when the data end is closed by a 'delisted' fill at the last close.
          const { quantity, reason, bar } = general.trades;
          let held = 0, sold = 0;
          for (let k = 0; k < general.trades.length; k++) {
            if (reason[k] === 1) { sold += quantity[k]!; expect(bar[k]).toBe(60); } else held += quantity[k]!;
          }
          if (held !== 0) expect(sold).toBeCloseTo(-held, 9);
        }
      }
    }
  });

  it('a short and a leveraged long held across quiet bars: the same run, or given back at the margin', () => {
    let givenBack = 0, kept = 0;
    for (const [drift, seed] of [[0.004, 37], [-0.004, 41], [0, 43]] as const) {
      const panel = walkPanel(seed, 250, { drift, gaps: [77, 78] });
      const d = panel.days;
      for (const script of [[[5, -0.5], [200, 0]], [[5, 1.4], [150, 0.2]], [[5, -1.5]], [[5, 1.9]], [[5, -0.3], [100, 0.5], [180, -0.2]]] as const) {
        for (const settings of [PLAIN, COSTLY, { ...PLAIN, maxLeverage: 3, maintenanceMargin: 0.5 }, { ...COSTLY, maxLeverage: 2, maintenanceMargin: 1 }]) {
          for (const fill of ['open', 'close'] as const) {
            for (const range of [[d[0]!, d[249]!], [d[60]!, d[249]!]] as [number, number][]) {
              const { fast } = both(panel, scripted(script as never), settings, fill, range, undefined);
              if (fast) kept++;
              else givenBack++;
            }
          }
        }
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(givenBack).toBeGreaterThan(0);
  });

  it('a long book at a maintenance ratio of 1 stays on the one-symbol path (equity ≥ gross)', () => {
    const panel = walkPanel(47, 150, { drift: -0.003 });
    const d = panel.days;
    both(panel, scripted([[5, 1], [120, 0]]), { ...PLAIN, maintenanceMargin: 1 }, 'open', [d[0]!, d[149]!], true);
    both(panel, scripted([[5, 0.6]]), { ...COSTLY, maintenanceMargin: 1 }, 'close', [d[0]!, d[149]!], true);
  });

  it('a decision at the last decision close (filled at the last open, or at the last close)', () => {
    const panel = walkPanel(53, 60);
    const d = panel.days;
    for (const fill of ['open', 'close'] as const) {
      const lastDecision = fill === 'open' ? 58 : 59;
      for (const script of [[[lastDecision, 1]], [[10, 1], [lastDecision, 0]], [[10, -0.5], [lastDecision, 0.5]]] as const) {
        for (const settings of [PLAIN, COSTLY]) {
          const { general } = both(panel, scripted(script as never), settings, fill, [d[0]!, d[59]!], true);
          expect(general.decisions.at(-1)).toBe(lastDecision);
          expect(general.trades.bar.at(-1)).toBe(59);
        }
      }
    }
  });

  it('a window that ends before the data do: what comes after it does not count (not even the margin)', () => {
    // A short held to the window's last day, the price then soaring: after the window the book would
    // be below the maintenance margin and ruined, but the run is over.
    const close: number[][] = [], open: number[][] = [];
    for (let t = 0; t < 40; t++) {
      const p = t < 30 ? 50 + (t % 3) : 50 * 3 ** (t - 29);
      close.push([p]);
      open.push([p]);
    }
    const panel = handPanel({ dates: businessDates('2020-01-01', 40), symbols: ['XYZ'], close, open });
    const d = panel.days;
    for (const fill of ['open', 'close'] as const) {
      for (const settings of [PLAIN, COSTLY]) {
        const { fast } = both(panel, scripted([[5, -1]]), settings, fill, [d[0]!, d[29]!], true);
        expect(fast!.curve.equity.at(-1)!).toBeGreaterThan(0);
        expect(fast!.ruinedAt).toBe(-1);
      }
    }
  });

  it('a run without cash is ruined at its first close: given back, the general path says so', () => {
    const panel = walkPanel(59, 30);
    const d = panel.days;
    for (const fill of ['open', 'close'] as const) {
      const { general } = both(panel, scripted([[5, 1]]), { ...PLAIN, cash: 0 }, fill, [d[0]!, d[29]!], false);
      expect(general.ruinedAt).toBeGreaterThanOrEqual(0);
    }
  });

  it('a short whose book falls below the maintenance margin between two events is given back (the general path cuts it)', () => {
    // Short at bar 5, the price then rising 3 % a day with nothing to decide until bar 45.
    const close: number[][] = [], open: number[][] = [];
    for (let t = 0; t < 50; t++) {
      const p = t <= 5 ? 50 : 50 * 1.03 ** (t - 5);
      close.push([p]);
      open.push([p]);
    }
    const panel = handPanel({ dates: businessDates('2020-01-01', 50), symbols: ['XYZ'], close, open });
    const d = panel.days;
    for (const fill of ['open', 'close'] as const) {
      const { general } = both(panel, scripted([[5, -1], [45, 0]]), PLAIN, fill, [d[0]!, d[49]!], false);
      expect(general.marginCalls).toBeGreaterThan(0);
    }
  });

  it('a strategy without factors (asked on every bar) and one whose actsOn names an undeclared factor', () => {
    const panel = walkPanel(61, 40);
    const d = panel.days;
    const plain: Strategy = { name: 'bare', description: 'test', params: {}, warmup: () => 2, decide: (bar) => (bar.t % 7 === 0 ? { XYZ: (bar.t % 14) / 14 } : undefined) } as Strategy;
    both(panel, plain, COSTLY, 'open', [d[0]!, d[39]!], true);
    const bad = { ...plain, actsOn: () => 'nope' } as Strategy;
    const schedule = runSchedule(panel, bad, [{}], d[0]!, d[39]!, 'open');
    expect(() => simulateSingleSymbol(panel, bad, {}, schedule, PLAIN, new FactorCache(panel), createContext(undefined)))
      .toThrow(/^strategy bare: actsOn names factor "nope", which factors\(\) does not declare$/);
  });
});
