import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import type { SimulationSettings } from '../../src/runner/simulate.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { evaluateVariant } from '../../src/variants/evaluate.ts';
import { handPanel } from '../support/panel.ts';
import { buyOnce, strategyOf } from '../support/strategies.ts';

/**
 * The cost models in the simulation, each by hand on a small panel (the style of solvency.test.ts):
 * what was asked and filled, the prices paid, what each kind of cost summed to.
 */
const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

function run(panel: Panel, strategy: Strategy, o: Partial<SimulationSettings> & { fill?: FillTiming; start?: string; dates?: readonly string[] } = {}) {
  const dates = o.dates ?? DATES;
  const fill = o.fill ?? 'open';
  const schedule = planSchedule(panel, parseIsoDate(o.start ?? dates[1]!)!, parseIsoDate(dates.at(-1)!)!, 0, fill);
  const settings: SimulationSettings = { cash: 100_000, fractional: false, commissionBps: 0, slippageBps: 0, ...o };
  const outcome = evaluateVariant({ panel, strategy, id: 1, params: {}, schedule, settings, factors: new FactorCache(panel, { fill }) });
  const t = outcome.result.trades;
  const trades = Array.from({ length: t.length }, (_, k) => ({
    date: panel.dates[t.bar[k]!], symbol: panel.symbols[t.column[k]!], quantity: t.quantity[k]!, asked: t.asked[k]!, price: t.price[k]!, fee: t.fee[k]!, reason: tradeReason(t.reason[k]!),
  }));
  return { outcome, result: outcome.result, costs: outcome.result.costs, metrics: outcome.metrics, trades, equity: Array.from(outcome.result.curve.equity) };
}

describe('participation limit', () => {
  // A at 10 throughout; the day's volumes, one missing (01-04: ADV over the 2 days before, (3,000 + 1,000) / 2).
  const panel = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]), volume: [[1000], [1000], [3000], [null], [5000], [0]] });

  it('a fill takes at most P × the day\'s volume (P × ADV where it is missing); the rest carries to the next fill day', () => {
    const { trades, costs, metrics } = run(panel, buyOnce({ A: 1 }), { maxParticipation: 0.1, advDays: 2 });
    // 100,000 ÷ 10 = 10,000 shares asked at the open of 01-02.
    expect(trades.map((t) => [t.date, t.quantity, t.asked])).toEqual([
      ['2024-01-02', 100, 10_000], // 0.1 × 1,000
      ['2024-01-03', 300, 9_900], // 0.1 × 3,000
      ['2024-01-04', 200, 9_600], // 0.1 × ADV 2,000 (no volume that day)
      ['2024-01-05', 500, 9_400], // 0.1 × 5,000; 01-08 traded nothing (volume 0)
    ]);
    expect(costs.asked).toBe(100_000);
    expect(costs.unfilled).toBe(8_900 * 10); // still open at the end
    expect(metrics.unfilled_notional).toBe(89_000);
  });

  it('the next decision replaces what is still carried (counted unfilled) with its own order', () => {
    const twice = strategyOf((bar) => (bar.decision === 0 ? { A: 1 } : bar.decision === 2 ? { A: 0.5 } : undefined));
    const { trades, costs } = run(panel, twice, { maxParticipation: 0.1, advDays: 2 });
    // After 01-03, 400 held and 9,600 carried; the decision at 01-03's close asks 5,000 − 400 = 4,600 at 01-04.
    expect(trades.map((t) => [t.date, t.quantity, t.asked])).toEqual([
      ['2024-01-02', 100, 10_000], ['2024-01-03', 300, 9_900], ['2024-01-04', 200, 4_600], ['2024-01-05', 500, 4_400],
    ]);
    expect(costs.asked).toBe(100_000 + 46_000);
    expect(costs.unfilled).toBe(96_000 + 39_000); // the 9,600 dropped, the 3,900 left at the end
  });

  it('a symbol without volume data cannot be traded under the limit: counted and warned', () => {
    const two = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 20]), volume: DATES.map(() => [1e6, null]) });
    const { trades, costs, outcome } = run(two, buyOnce({ A: 0.5, B: 0.5 }), { maxParticipation: 0.5 });
    expect(trades.map((t) => t.symbol)).toEqual(['A']);
    expect(costs.untradable).toBe(1);
    expect(outcome.warnings).toContain('1 order(s) not filled under --max-participation: the symbol had no volume that day nor in the --adv-days before');
    // without the limit it trades as before
    expect(run(two, buyOnce({ A: 0.5, B: 0.5 })).trades.map((t) => t.symbol)).toEqual(['A', 'B']);
  });

  it('sales are limited too, and whole shares are taken toward zero', () => {
    const sell = strategyOf((bar) => (bar.decision === 0 ? { A: 1 } : bar.decision === 1 ? { A: 0 } : undefined));
    const liquid = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]), volume: [[1e9], [1e9], [2555], [2555], [2555], [2555]] });
    const { trades } = run(liquid, sell, { maxParticipation: 0.1 });
    expect(trades.map((t) => [t.date, t.quantity, t.asked])).toEqual([
      ['2024-01-02', 10_000, 10_000], ['2024-01-03', -255, -10_000], ['2024-01-04', -255, -9_745], ['2024-01-05', -255, -9_490], ['2024-01-08', -255, -9_235],
    ]);
  });
});

describe('market impact in the fill price', () => {
  // B's closes alternate ±10 % before the first fill (σ known by hand); volumes 1,000,000 a day.
  const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'];
  const closes = [100, 110, 99, 108.9, 108.9, 108.9, 108.9];
  const panel = handPanel({ dates, symbols: ['B'], close: closes.map((c) => [c]), volume: dates.map(() => [1_000_000]) });
  // The first decision at 01-04's close fills at 01-05's open (108.9); σ over the 3 returns before 01-05.
  const r = [0.1, -0.1, 0.1];
  const mean = r.reduce((a, b) => a + b) / 3;
  const sigma = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);

  it('sqrt: the price is the open × (1 + k σ √(X / ADV)), and the impact column sums |X| × open × that', () => {
    const { trades, costs } = run(panel, buyOnce({ B: 0.5 }), { dates, start: '2024-01-05', impact: 'sqrt', impactK: 0.5, advDays: 3 });
    const x = Math.trunc((0.5 * 100_000) / 108.9); // 459
    const m = 0.5 * sigma * Math.sqrt(x / 1_000_000);
    expect(trades[0]!.quantity).toBe(x);
    expect(trades[0]!.price).toBeCloseTo(108.9 * (1 + m), 10);
    expect(costs.impact).toBeCloseTo(x * 108.9 * m, 8);
  });

  it('almgren without shares outstanding: (Θ/V)^¼ = 1, said in a warning', () => {
    const { trades, outcome } = run(panel, buyOnce({ B: 0.5 }), { dates, start: '2024-01-05', impact: 'almgren', impactHorizon: 0.5, advDays: 3 });
    const x = 459, v = 1_000_000;
    const m = (0.314 * sigma * (x / v)) / 2 + 0.142 * sigma * Math.pow(x / (v * 0.5), 0.6);
    expect(trades[0]!.price).toBeCloseTo(108.9 * (1 + m), 10);
    expect(outcome.warnings).toContain('1 fill(s) priced with --impact almgren without shares outstanding: the (Θ/V)^¼ term was taken as 1');
  });

  it('almgren with shares outstanding (the universe\'s column): the (Θ/V)^¼ term, as in the paper', () => {
    const withShares: Panel = { ...panel, seasons: [{ ...panel.seasons[0]!, shares: Float64Array.of(263_000_000) }] }; // Θ/V = 263
    const { trades, outcome } = run(withShares, buyOnce({ B: 0.5 }), { dates, start: '2024-01-05', impact: 'almgren', advDays: 3 });
    const x = 459, v = 1_000_000;
    const m = (0.314 * sigma * (x / v) * Math.pow(263, 0.25)) / 2 + 0.142 * sigma * Math.pow(x / v, 0.6);
    expect(trades[0]!.price).toBeCloseTo(108.9 * (1 + m), 10);
    expect(outcome.warnings.filter((w) => w.includes('shares outstanding'))).toEqual([]);
  });

  it('a fill without the history for σ is charged no impact, and counted', () => {
    const { trades, costs, outcome } = run(panel, buyOnce({ B: 0.5 }), { dates, impact: 'sqrt' }); // fills at 01-02: one close before
    expect(trades[0]!.price).toBe(110);
    expect(costs.noImpactData).toBe(1);
    expect(outcome.warnings.some((w) => w.startsWith('1 fill(s) charged no market impact'))).toBe(true);
  });
});

describe('borrow and cash interest, accrued at each close', () => {
  // Thursday 01-04 to Tuesday 01-09 over a weekend.
  const dates = ['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10'];
  const panel = handPanel({ dates, symbols: ['A'], close: dates.map(() => [10]) });
  const shortThenCover = strategyOf((bar) => (bar.decision === 0 ? { A: -0.5 } : bar.decision === 3 ? { A: 0 } : undefined));

  it('a short held over a weekend pays one day per trading day: Thursday, Friday and Monday closes', () => {
    // −5,000 shares at 10 (market value 50,000) from Thursday's open to Tuesday's open; 2,520 bps a year
    // is 50,000 × 0.252 / 252 = 50 a day: 150 for 3 trading days (calendar days would be 5: 250).
    const { costs, trades, equity } = run(panel, shortThenCover, { dates, borrowBps: 2520 });
    expect(trades.map((t) => [t.date, t.quantity])).toEqual([['2024-01-04', -5000], ['2024-01-09', 5000]]);
    expect(costs.borrow).toBeCloseTo(150, 9);
    expect(equity).toEqual([100_000 - 50, 100_000 - 100, 100_000 - 150, 100_000 - 150, 100_000 - 150].map((e) => expect.closeTo(e, 9)));
  });

  it('free cash earns --cash-rate; short-sale proceeds (the shorts\' market value) earn nothing', () => {
    // Short 0.5: cash 150,000, of which 50,000 are proceeds; 100,000 earn 0.0252 / 252 = 10 a day (then compounding).
    const { costs } = run(panel, buyOnce({ A: -0.5 }), { dates, cashRate: 0.0252 });
    let cash = 150_000, interest = 0;
    for (let d = 0; d < 5; d++) { const i = ((cash - 50_000) * 0.0252) / 252; interest += i; cash += i; }
    expect(costs.interest).toBeCloseTo(interest, 9);
    // long half: 50,000 of cash earns; a debit balance (long 1.5×) earns nothing and pays nothing
    expect(run(panel, buyOnce({ A: 0.5 }), { dates, cashRate: 0.0252 }).costs.interest).toBeCloseTo(5 * 5 + 0.0005 * 10, 3);
    expect(run(panel, buyOnce({ A: 1.5 }), { dates, cashRate: 0.0252, maxLeverage: 2 }).costs.interest).toBe(0);
  });

  it('the borrow table\'s fee where it has one, --borrow-bps elsewhere', () => {
    const withTable = { ...panel, borrow: Float64Array.from([NaN, NaN, 5040, 5040, NaN, NaN]) }; // from Friday, for two days
    const { costs } = run(withTable, shortThenCover, { dates, borrowBps: 2520 });
    expect(costs.borrow).toBeCloseTo(50 + 100 + 100, 9); // Thursday at --borrow-bps, Friday and Monday at the table's
  });
});

describe('per-share commission and its minimum, in a run', () => {
  it('each fill pays max(M, X × shares + c × notional)', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 50]) });
    const trade = strategyOf((bar) => (bar.decision === 0 ? { A: 0.5, B: 0.001 } : undefined));
    const { trades, costs } = run(panel, trade, { commissionPerShare: 0.005, minCommission: 1, commissionBps: 1 });
    // A: 5,000 shares → 25 + 0.0001 × 50,000 = 30; B: 2 shares → 0.01 + 0.01 = 0.02 → the minimum, 1.
    expect(trades.map((t) => [t.symbol, t.quantity, t.fee])).toEqual([['A', 5000, expect.closeTo(30, 9)], ['B', 2, 1]]);
    expect(costs.commission).toBeCloseTo(31, 9);
  });
});

describe('where the money went', () => {
  // A is delisted (its data end at 01-08's close); B stays. History before the range for σ and ADV.
  const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10'];
  const panel = handPanel({
    dates, symbols: ['A', 'B'],
    close: [[10, 40], [10.5, 41], [10.2, 40], [10.8, 42], [11, 41], [11.5, 40], [null, 39], [null, 38]],
    open: [[10, 40], [10.4, 41], [10.3, 40.5], [10.7, 41.5], [11.1, 41], [11.4, 40.2], [null, 39.5], [null, 38.5]],
    volume: dates.map(() => [200_000, 100_000]),
  });
  const book = buyOnce({ A: 0.6, B: -0.3 });
  const all: Partial<SimulationSettings> = {
    fractional: true, commissionBps: 5, commissionPerShare: 0.01, minCommission: 1, slippageBps: 2, spreadBps: 4,
    impact: 'sqrt', advDays: 3, borrowBps: 300, cashRate: 0.03,
  };

  it('the cost columns sum to the difference between a run with and without costs (no order cut)', () => {
    const free = run(panel, book, { dates, start: '2024-01-05', fractional: true });
    const paid = run(panel, book, { dates, start: '2024-01-05', ...all });
    expect(paid.trades.map((t) => t.quantity)).toEqual(free.trades.map((t) => t.quantity)); // the same fills
    const c = paid.costs;
    for (const k of ['commission', 'spread', 'slippage', 'impact', 'borrow', 'interest'] as const) expect(c[k], k).toBeGreaterThan(0);
    const gap = free.equity.at(-1)! - paid.equity.at(-1)!;
    expect(gap).toBeCloseTo(c.commission + c.spread + c.slippage + c.impact + c.borrow - c.interest, 8);
    // per fill: |q| × |price − reference| is the fill's spread + slippage + impact, the fee its commission
    const reference = (t: (typeof paid.trades)[number]) => free.trades.find((f) => f.date === t.date && f.symbol === t.symbol)!.price;
    const priced = paid.trades.reduce((s, t) => s + Math.abs(t.quantity) * Math.abs(t.price - reference(t)), 0);
    expect(priced).toBeCloseTo(c.spread + c.slippage + c.impact, 8);
    expect(paid.trades.reduce((s, t) => s + t.fee, 0)).toBeCloseTo(c.commission, 10);
  });

  it('break_even_bps: charged on every fill instead, it leaves a total return of 0', () => {
    const free = run(panel, book, { dates, start: '2024-01-05', fractional: true });
    const be = free.metrics.break_even_bps!;
    expect(be).toBeGreaterThan(0);
    const notional = free.trades.reduce((s, t) => s + Math.abs(t.quantity * t.price), 0);
    expect(be).toBeCloseTo(((free.equity.at(-1)! - 100_000) / notional) * 10_000, 9); // (E_T − E_0 + 0) ÷ N
    const flat = run(panel, book, { dates, start: '2024-01-05', fractional: true, commissionBps: be });
    expect(flat.metrics.total_return).toBeCloseTo(0, 12);
    expect(flat.metrics.cost_total_bps).toBeCloseTo(be, 9);
    // with every model on, net P&L = (break-even − cost) × N exactly
    const paid = run(panel, book, { dates, start: '2024-01-05', ...all });
    const n = paid.trades.reduce((s, t) => s + Math.abs(t.quantity * t.price), 0);
    expect(paid.equity.at(-1)! - 100_000).toBeCloseTo(((paid.metrics.break_even_bps! - paid.metrics.cost_total_bps!) * n) / 10_000, 8);
  });

  it('forced trades are not limited: the delisted name is sold whole at its last close, paying impact', () => {
    const capped = run(panel, book, { dates, start: '2024-01-05', ...all, maxParticipation: 0.001 }); // 200 of A a day
    const bought = capped.trades.filter((t) => t.symbol === 'A' && t.reason === 'rebalance');
    expect(bought.map((t) => t.quantity)).toEqual([200, 200]); // 01-05 and 01-08, of the ~5,405 asked (0.6 × 100,000 ÷ 11.1)
    const sold = capped.trades.find((t) => t.reason === 'delisted')!;
    expect(sold).toMatchObject({ date: '2024-01-08', quantity: -400 }); // all of it, at once
    expect(sold.price).toBeLessThan(11.5 * (1 - 0.0004)); // below the close less slippage and half the spread: impact too
    expect(capped.costs.unfilled).toBeGreaterThan(0); // A's remainder went with it
  });
});
