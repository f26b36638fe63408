import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Factor, Params, Strategy } from '../../src/api.ts';
import { buildRunConfig } from '../../src/config/run-config.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { SimulationSettings } from '../../src/runner/simulate.ts';
import { singleSymbolApplies } from '../../src/runner/single-symbol.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { openSource } from '../../src/source/index.ts';
import { importToFolder } from '../../src/source/import/index.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { FIXTURES } from '../support/cli.ts';
import { businessDates, handPanel, walkPanel } from '../support/panel.ts';
import { expectSameResult, runBothPaths } from '../support/single-symbol.ts';

/**
 * The one-symbol path (runner/single-symbol.ts) against its oracle, the general simulation
 * (runner/simulate.ts): every trade, every column of every day of the curve, the decisions, the
 * costs, the counters and every metric, compared exactly (toEqual on typed arrays is bit-exact up to
 * the sign of 0, which Object.is checks separately on the curve).
 */
const sma = (await loadStrategy('sma-cross')).strategy;

/** Both paths, directly: the fast one must apply (not give the run back) unless `mayGiveBack`. */
function both(panel: Panel, strategy: Strategy, params: Params, settings: SimulationSettings, fill: 'open' | 'close', range?: [number, number], mayGiveBack = false) {
  const [from, to] = range ?? [panel.days[0]!, panel.days.at(-1)!];
  const schedule = runSchedule(panel, strategy, [params], from, to, fill);
  const { fast, general, factors } = runBothPaths(panel, strategy, params, schedule, settings);
  if (!mayGiveBack) expect(fast, 'the one-symbol path gave the run back').toBeDefined();
  if (fast) expectSameResult(fast, general);
  // Through evaluateVariant (the fall-back included): the whole outcome, metrics too.
  const job = { panel, strategy, id: 1, params, schedule, settings, factors };
  const a = evaluateVariant(job), b = evaluateVariant({ ...job, generalPath: true });
  expect(a.metrics).toEqual(b.metrics);
  expect(a.warnings).toEqual(b.warnings);
  expect(a.result.trades).toEqual(b.result.trades);
  return { fast, general };
}

const COSTS: SimulationSettings[] = [
  { cash: 100_000, fractional: false, commissionBps: 0, slippageBps: 0 },
  { cash: 100_000, fractional: true, commissionBps: 3, slippageBps: 2, spreadBps: 4 },
  { cash: 25_000, fractional: false, commissionBps: 1, slippageBps: 5, commissionPerShare: 0.005, minCommission: 1 },
  { cash: 1_000, fractional: true, commissionBps: 0, slippageBps: 0, commissionPerShare: 0.01, minCommission: 2.5, spreadBps: 10 },
];

describe('the one-symbol path on the real ORCL file (5,036 days)', () => {
  let dir: string;
  let panel: Panel;
  const start = parseIsoDate('1995-01-03')!, end = parseIsoDate('2014-12-31')!;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vopa-single-'));
    await importToFolder({ files: [join(FIXTURES, 'orcl-1995-2014.txt')], dir });
    const config = await buildRunConfig({ command: 'test', start: '1995-01-03', end: '2014-12-31', strategy: 'sma-cross', data: dir, source: 'local', env: {} });
    const source = openSource(config.source);
    panel = (await source.loadWindow({ season: config.season, startDay: start, endDay: end, warmupBars: 201, shared: false })).panel;
    await source.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every sma-cross pair of the benchmark’s grid, each cost model, open and close fills: the same run', () => {
    let trades = 0;
    for (let fast = 5; fast <= 50; fast += 15) {
      for (let slow = 20; slow <= 200; slow += 60) {
        if (fast >= slow) continue;
        for (const settings of COSTS) {
          for (const fill of ['open', 'close'] as const) {
            const { general } = both(panel, sma, { symbol: '', fast, slow }, settings, fill, [start, end]);
            trades += general.trades.length;
          }
        }
      }
    }
    expect(trades).toBeGreaterThan(1000);
  });
});

/**
 * Targets from a script: weight w at the close of bar t; Map, record or array answers by turns. It
 * acts (`actsOn`) on the script's bars only, through a factor that marks them, so the one-symbol path
 * steps over the bars between; `everyBar`: without `actsOn` (asked on every bar).
 */
function scripted(script: ReadonlyArray<readonly [number, number]>, everyBar = false): Strategy {
  const at = new Map(script.map(([t, w]) => [t, w]));
  const marked: Factor = { key: `script(${script.join(';')})`, create: () => (history, out) => { out[0] = at.has(history.t) ? 1 : 0; } };
  return {
    name: 'scripted', description: 'test', params: {}, warmup: () => 2,
    factors: () => ({ marked }),
    ...(everyBar ? {} : { actsOn: () => 'marked' }),
    decide(bar) {
      const w = at.get(bar.t);
      if (w === undefined) return undefined;
      if (bar.t % 3 === 0) return new Map([['XYZ', w]]);
      if (bar.t % 3 === 1) return { XYZ: w };
      const out = bar.weights();
      out[0] = w;
      return out;
    },
  } as Strategy;
}

describe('the one-symbol path on synthetic panels', () => {
  const plain = walkPanel(7, 400);
  const gappy = walkPanel(11, 400, { gaps: [5, 6, 50, 51, 52, 120, 121, 200, 201, 202, 203, 299] });
  const delisted = walkPanel(13, 400, { gaps: [30, 31], endAt: 310 });
  const panels = { plain, gappy, delisted };

  it('sma-cross over gaps and a delisting, every cost model, whole and fractional shares, open and close fills', () => {
    let trades = 0, delistings = 0;
    for (const [name, panel] of Object.entries(panels)) {
      for (const [fast, slow] of [[2, 5], [3, 10], [5, 20]]) {
        for (const settings of COSTS) {
          for (const fill of ['open', 'close'] as const) {
            const { general } = both(panel, sma, { symbol: '', fast: fast!, slow: slow! }, settings, fill);
            trades += general.trades.length;
            for (let k = 0; k < general.trades.length; k++) if (general.trades.reason[k] === 1) delistings++;
            expect(general.curve.equity.length, name).toBeGreaterThan(300);
          }
        }
      }
    }
    expect(trades).toBeGreaterThan(500);
    expect(delistings).toBeGreaterThan(0);
  });

  it('targets on a gap (no fill price), partial weights, a buy cut to the cash, Map, record and array answers', () => {
    const script = [[4, 1], [10, 0.5], [20, 0], [49, 1], [60, 0.25], [61, 0.75], [119, 1], [150, 0], [151, 1], [198, 0.3], [250, 1], [305, 0.5]] as const;
    for (const [name, panel] of Object.entries(panels)) {
      for (const settings of COSTS) {
        for (const fill of ['open', 'close'] as const) {
          const { general } = both(panel, scripted(script), {}, settings, fill);
          expect(general.trades.length, name).toBeGreaterThan(5);
          both(panel, scripted(script, true), {}, settings, fill);
        }
      }
    }
    const { general } = both(gappy, scripted(script), {}, COSTS[0]!, 'open');
    expect(general.skipped.length).toBeGreaterThan(0); // targets decided before a gap wait: the same in both
  });

  it('leverage, shorts, the margin and ruin (between events too): given back to the general path, with the same outcome', () => {
    const falling = walkPanel(17, 300, { drift: -0.01 });
    const rising = walkPanel(19, 300, { drift: 0.01 });
    let givenBack = 0;
    for (const panel of [plain, falling, rising, delisted]) {
      for (const script of [[[3, 1.5], [100, 3]], [[3, -1], [150, 0]], [[3, 2], [200, -2]], [[3, -1]], [[3, -2]]] as const) {
        for (const settings of [COSTS[0]!, { ...COSTS[1]!, maxLeverage: 3, maintenanceMargin: 0.3 }]) {
          for (const everyBar of [false, true]) {
            const { fast } = both(panel, scripted(script as never, everyBar), {}, settings, 'open', undefined, true);
            if (!fast) givenBack++;
          }
        }
      }
    }
    expect(givenBack).toBeGreaterThan(0);
  });

  it('refuses an actsOn factor the strategy does not declare, as the general path does', () => {
    const bad: Strategy = { ...sma, actsOn: () => 'nope' };
    const params = { symbol: '', fast: 2, slow: 5 };
    const job = { panel: plain, strategy: bad, id: 1, params, schedule: runSchedule(plain, bad, [params], plain.days[0]!, plain.days.at(-1)!, 'open'), settings: COSTS[0]!, factors: new FactorCache(plain) };
    expect(() => evaluateVariant(job)).toThrow(/^strategy sma-cross: actsOn names factor "nope", which factors\(\) does not declare$/);
    expect(() => evaluateVariant({ ...job, generalPath: true })).toThrow(/^strategy sma-cross: actsOn names factor "nope", which factors\(\) does not declare$/);
  });

  it('applies only to one symbol without a market model, financing or a rolling universe', () => {
    const factors = new FactorCache(plain);
    const base: SimulationSettings = COSTS[0]!;
    expect(singleSymbolApplies(plain, base, factors)).toBe(true);
    expect(singleSymbolApplies(plain, { ...base, maxParticipation: 0.1 }, factors)).toBe(false);
    expect(singleSymbolApplies(plain, { ...base, impact: 'sqrt' }, factors)).toBe(false);
    expect(singleSymbolApplies(plain, { ...base, borrowBps: 50 }, factors)).toBe(false);
    expect(singleSymbolApplies(plain, { ...base, cashRate: 0.02 }, factors)).toBe(false);
    const two = handPanel({ dates: businessDates('2020-01-01', 3), symbols: ['A', 'B'], close: [[1, 2], [1, 2], [1, 2]] });
    expect(singleSymbolApplies(two, base, new FactorCache(two))).toBe(false);
  });
});
