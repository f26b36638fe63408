import type { Factor, Params, Strategy, StrategyContext } from '../strategy/types.ts';
import { Portfolio } from '../broker/portfolio.ts';
import { commission, costModel, CostTotals, executionPrice } from '../broker/costs.ts';
import { belowMaintenance, DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../broker/margin.ts';
import { rebalance, rebalanceScratch, type RebalanceOptions } from '../broker/rebalance.ts';
import { Targets } from '../broker/targets.ts';
import { UsageError } from '../errors.ts';
import { shape, type Panel } from '../panel/panel.ts';
import type { TradeReason } from '../recorder/trade-log.ts';
import { completed, curveIn, Fills } from './single-symbol-record.ts';
import { DecisionView } from './decision-view.ts';
import type { FactorCache } from './factor-cache.ts';
import { strategyRows, type Schedule } from './schedule.ts';
import { askStrategy, toTargets, type SimulationResult, type SimulationSettings } from './simulate.ts';

/**
 * One variant's run on a one-symbol panel, stepping only through the bars where something happens
 * — the same run as runner/simulate.ts, bit for bit, for the runs where that is provable.
 *
 * When it applies (`singleSymbolApplies`), and why each condition is needed:
 * - one symbol (n = 1): the book is one position or none, so a bar's marks are one product;
 * - the whole panel is the universe (no rolling universe: no `universe` exits to look for);
 * - no participation limit and no impact model (no carried remainders, no market state);
 * - no financing: no borrow fee, no cash rate, no borrow table (cash changes only at fills).
 * Within that, a run that hits the maintenance margin or ruin (equity ≤ 0) at some close is given
 * back (`undefined`): the caller runs the general simulation, which has the margin cut and the ruin
 * liquidation. An all-in long book never gets there (cash ≥ 0 ⇒ equity ≥ gross ≥ 0.25 × gross).
 *
 * 1. Event bars are the only ones stepped through as simulate does, with the same broker calls in the
 *    same order: a fill bar (targets pending from the previous close), the bar where the symbol's data
 *    end (delisting), and a decision bar on which the strategy may act — its `actsOn` factor non-zero
 *    there, read in place (runner/acting.ts's rule for one column); every decision bar without `actsOn`.
 *    `nextEvent` finds the next one. `decide` is called on exactly the bars where the general path's
 *    acting wrapper would pass the call on.
 * 2. Between two event bars nothing trades: cash and shares q are constant, the mark is the last known
 *    close, and each close records net = 0 + q × mark and equity = cash + net, the very operations of
 *    Portfolio.mark, in a tight loop over the stretch; cash and positions are constant (`fill`). A long
 *    book with cash ≥ 0 needs no solvency check there (equity ≥ gross ≥ maintenance × gross).
 * 3. Solvency is checked at every other close as in simulate (equity ≤ 0 ruins; equity < maintenance ×
 *    gross calls for a cut); either gives the run back to the general simulation (the caller starts it
 *    afresh with a new context; `decide` will have been asked the bars up to there twice).
 * 4. The curve's gross, long and short columns are functions of net for one column (gross = |net|,
 *    long = max(net, 0), short = net − long) and are derived at the end (single-symbol-record.ts).
 */
export function singleSymbolApplies(panel: Panel, settings: SimulationSettings, factors: FactorCache): boolean {
  return shape(panel).n === 1 && factors.universe.all && !((settings.maxParticipation ?? 0) > 0) && (settings.impact ?? 'none') === 'none'
    && !((settings.borrowBps ?? 0) > 0) && !((settings.cashRate ?? 0) > 0) && panel.borrow === undefined;
}

/** The run, or undefined when it reached the maintenance margin or ruin (run the general simulation). */
export function simulateSingleSymbol(
  panel: Panel,
  strategy: Strategy,
  params: Params,
  schedule: Schedule,
  settings: SimulationSettings,
  factors: FactorCache,
  ctx: StrategyContext,
): SimulationResult | undefined {
  const n = 1;
  const { first, last, firstDecision, lastDecision, fill } = schedule;
  const maxLeverage = settings.maxLeverage ?? DEFAULT_MAX_LEVERAGE;
  const maintenance = settings.maintenanceMargin ?? DEFAULT_MAINTENANCE_MARGIN;
  const universe = factors.universe;
  const portfolio = new Portfolio(settings.cash, n);
  const curve = curveIn(last - first + 1);
  // Stryker disable next-line BooleanLiteral: starting as `true` only makes completed() derive gross, long and short per day: the same values for a book never short (net is never −0)
  let short = false; // a short position recorded at some close
  const trades = new Fills();
  const decisions: number[] = [];
  const skipped: { bar: number; column: number }[] = [];
  let cutBuys = 0, leverageScaled = 0;

  const declared = strategy.factors?.(params as never) ?? {};
  const rows = strategyRows(strategy, params, schedule, panel.days.length); // as simulate() does
  const factorRows = new Map<string, Float64Array>();
  for (const [name, factor] of Object.entries(declared)) factorRows.set(name, factors.get(factor, rows));
  const view = new DecisionView(panel, factorRows, portfolio, universe, rows);
  const acting = actingOf(strategy, params, factors, declared);

  const marks = new Float64Array(n).fill(NaN);
  const fillPrice = new Float64Array(n);
  const targets = new Targets(n);
  const scratch = rebalanceScratch(n);
  const { close, open } = panel;
  // Stryker disable next-line BooleanLiteral: equivalent: a fill before any decision rebalances an empty book to empty targets, which trades nothing
  let pending = false; // targets decided, waiting for their fill
  let bar = 0;
  const costs = costModel(settings.commissionBps, settings.slippageBps, settings);
  const totals = new CostTotals();
  const options: RebalanceOptions = {
    fractional: settings.fractional,
    costs,
    market: undefined,
    // Stryker disable next-line BooleanLiteral: equivalent: rebalance limits an order only with a market model and a carry too (broker/rebalance.ts), and this path has neither
    limited: false,
    carry: undefined,
    onFill: (f) => {
      trades.push(bar, 0, f.quantity, f.price, f.fee, 'rebalance', f.asked);
      totals.fill(f.quantity, f.reference, costs, f.impact, f.fee);
      if (Number.isNaN(marks[f.column]!)) marks[f.column] = f.price;
    },
    onSkip: (column) => skipped.push({ bar, column }),
    onCut: () => { cutBuys++; },
  };
  const lastBar = panel.lastBar[0]!;
  const endsAt = lastBar < last ? lastBar : -1; // lastBar is −1 for a symbol without closes (panel.ts)

  const start = Math.min(firstDecision, first);
  let t = start;
  while (t <= last) {
    // Bars [t, next) are quiet (no fill, no decision: marks, solvency and the curve only); next is stepped.
    const next = nextEvent(t, pending, last, endsAt, firstDecision, lastDecision, acting, rows);
    if (!quiet(t, next)) return undefined;
    if (next > last) break;
    if (!step(next)) return undefined;
    t = next + 1;
  }
  return {
    curve: completed(curve, short), trades: trades.finish(), decisions: Int32Array.from(decisions), roundTrips: portfolio.roundTrips, skipped, cutBuys,
    leverageScaled, marginCalls: 0, droppedWeights: 0, ruinedAt: -1,
    costs: {
      commission: totals.commission, spread: totals.spread, slippage: totals.slippage, impact: totals.impact, borrow: totals.borrow, interest: totals.interest,
      asked: 0, unfilled: 0, untradable: 0, noImpactData: 0, noShares: 0, // no market model, no participation limit
    },
  };

  /** Bars [from, to) without a fill or a decision: false at a close below the maintenance margin or at ruin. */
  function quiet(from: number, to: number): boolean {
    const q = portfolio.quantity[0]!;
    const cash = portfolio.cash;
    const a = Math.max(from, first) - first, b = Math.max(to, first) - first; // the stretch's days in the curve
    if (portfolio.heldCount === 0) {
      // Flat: Portfolio.mark gave net = gross = long = 0 at the last step, so equity = cash (> 0 unless ruined).
      if (cash <= 0) return false;
      curve.cash.fill(cash, a, b);
      curve.equity.fill(cash, a, b);
      // net and positions are 0: the curve's arrays start at 0.
      return true;
    }
    let mark = marks[0]!;
    const { equity: eq, net: nt } = curve;
    curve.cash.fill(cash, a, b);
    curve.positions.fill(1, a, b);
    // A book solvent at every price needs no check (a long one with cash ≥ 0, under a ratio ≤ 1).
    if (solventAtAnyPrice(q, cash, maintenance)) {
      for (let s = from; s < to; s++) {
        const c = close[s]!;
        if (c === c) mark = c;
        if (s < first) continue;
        const v = q * mark;
        const d = s - first;
        nt[d] = v;
        eq[d] = cash + v;
      }
    } else {
      for (let s = from; s < to; s++) {
        const c = close[s]!;
        if (c === c) mark = c;
        const v = q * mark;
        const net = 0 + v, gross = 0 + Math.abs(v);
        const equity = cash + net;
        if (equity <= 0 || belowMaintenance(equity, gross, maintenance)) return false;
        if (s >= first) {
          const d = s - first;
          // Stryker disable next-line ConditionalExpression,EqualityOperator: the flag only chooses how completed() stores the columns (same values for a book never short; net is never −0); a short is first recorded at the step of its fill bar (≥ first), which sets it
          if (net < 0) short = true;
          nt[d] = net;
          eq[d] = equity;
        }
      }
    }
    marks[0] = mark;
    // No portfolio.mark here: step marks the book before anything reads its net or equity (rebalance
    // values it from the marks and fill prices), and after the last stretch nothing does.
    return true;
  }

  /** One bar as simulate steps it (a fill, a delisting, a decision); false at the margin or ruin. */
  function step(s: number): boolean {
    bar = s;
    // Targets pending here are the last close's, filling at this open: with close fills a decision's
    // targets fill at its own close (below), and nothing is ever pending at a bar's start.
    fillAt(s, open);
    markHeld(s);
    if (s === endsAt) liquidateDelisted(s);
    portfolio.mark(marks);
    if (s >= firstDecision && s <= lastDecision && (rows === undefined || rows[s] === 1) && (acting === undefined || acting[s]! > 0 || acting[s]! < 0)) {
      view.at(s);
      view.decision = s - firstDecision;
      view.cash = portfolio.cash;
      view.equity = portfolio.equity;
      const weights = askStrategy(strategy, view, params, ctx, panel.dates[s]!);
      if (weights !== undefined) {
        // The whole panel is the universe (singleSymbolApplies): no weight is ever dropped.
        toTargets(weights, view, targets, strategy.name);
        decisions.push(s);
        pending = true;
        if (fill === 'close') {
          fillAt(s, close);
          // No markHeld: a position held before was marked at this close above, and one just bought
          // took the last close up to this one as its mark (refreshTargetMarks), as markHeld would.
          if (s === endsAt) liquidateDelisted(s);
          portfolio.mark(marks);
        }
      }
    }
    const equity = portfolio.equity;
    if (equity <= 0 || belowMaintenance(equity, portfolio.gross, maintenance)) return false;
    if (s >= first) {
      const d = s - first;
      curve.cash[d] = portfolio.cash;
      curve.net[d] = portfolio.net;
      if (portfolio.net < 0) short = true;
      curve.positions[d] = portfolio.heldCount;
      curve.equity[d] = equity;
    }
    return true;
  }

  /** The pending targets at this bar's open or close (`prices`: the whole field; one column). */
  function fillAt(s: number, prices: Float64Array): void {
    if (!pending) return;
    if (targets.capLeverage(maxLeverage)) leverageScaled++;
    refreshTargetMarks(fill === 'open' ? s - 1 : s);
    fillPrice[0] = prices[s]!; // the one column's price, without a view made per fill
    rebalance(portfolio, targets.weights, fillPrice, marks, scratch, options, targets);
    pending = false;
  }

  /** The position's mark: this close, or the last known one through a gap (flat, it is refreshed before any buy). */
  function markHeld(s: number): void {
    const c = close[s]!;
    if (c === c) marks[0] = c;
  }

  /**
   * Flat, the column takes the last close at or before bar `upTo` as its mark (NaN: none yet), which
   * rebalance sizes a buy by when the fill price is missing. Held, it keeps its mark: the last close
   * seen, or the price it was bought at before any close.
   */
  function refreshTargetMarks(upTo: number): void {
    if (portfolio.quantity[0] !== 0) return;
    marks[0] = NaN;
    for (let b = upTo; b >= 0; b--) {
      const c = close[b]!;
      if (c === c) {
        marks[0] = c;
        break;
      }
    }
  }

  /** At this close, sells (or covers) the position of a symbol whose data end here (as simulate's exit). */
  function liquidateDelisted(s: number): void {
    if (portfolio.heldCount === 0) return;
    const reference = close[s]!;
    if (!Number.isFinite(reference)) {
      skipped.push({ bar: s, column: 0 });
      return;
    }
    const why: TradeReason = 'delisted';
    const d = -portfolio.quantity[0]!;
    const price = executionPrice(reference, d, costs, 0);
    const fee = commission(d, price, costs);
    portfolio.fill(0, d, price, fee);
    trades.push(s, 0, d, price, fee, why, d);
    totals.fill(d, reference, costs, 0, fee);
  }
}

/**
 * Whether a book of q shares and `cash` is solvent at every close whatever the price p > 0 (short of
 * q × p underflowing): equity = cash + q × p > 0 and not below `maintenance` × |q × p|
 * (broker/margin.ts). Exactly when
 * - long (q > 0) with cash ≥ 0 and maintenance ≤ 1: equity = cash + v ≥ v = gross ≥ maintenance ×
 *   gross and v > 0, in floating point too (rounding is monotonic); negative cash fails as the price
 *   falls, a ratio above 1 as it rises;
 * - flat (q = 0) with cash > 0. A short (q < 0) fails as the price rises.
 * @example solventAtAnyPrice(100, 0, 0.25) // true; solventAtAnyPrice(100, -1, 0.25) // false
 */
export function solventAtAnyPrice(q: number, cash: number, maintenance: number): boolean {
  return q > 0 ? cash >= 0 && maintenance <= 1 : q === 0 && cash > 0;
}

/**
 * The bar the one-symbol path steps through next: the first bar b ≥ `from` that is an event, or
 * `last + 1` when none is left. b is an event when
 * - targets are `pending` (they fill at b: b = from);
 * - b = `endsAt`, the bar where the symbol's data end before `last` (−1: none);
 * - b is a decision bar (firstDecision ≤ b ≤ lastDecision) on which the strategy may act: every one
 *   without `acting`, else one where acting[b] is non-zero and not NaN (runner/acting.ts's rule);
 *   with `rows` (a strategy deciding every R bars), only one where rows[b] is 1.
 * Needs lastDecision ≤ last and endsAt < last. The bars in [from, b) are stepped over (quiet).
 * @example nextEvent(10, false, 99, 60, 0, 98, acting) // 40 when acting[40] is the first non-zero value from bar 10 on; 60 when none comes before 60
 */
export function nextEvent(
  from: number, pending: boolean, last: number, endsAt: number, firstDecision: number, lastDecision: number, acting: Float64Array | undefined,
  rows?: Uint8Array,
): number {
  if (pending) return from;
  const end = endsAt >= from ? endsAt : last + 1; // the delisting, when still ahead
  const to = Math.min(lastDecision, end - 1);
  const start = Math.max(from, firstDecision);
  if (rows !== undefined) return nextDecisionRow(start, to, end, acting, rows);
  if (acting === undefined) return start <= to ? start : end;
  for (let b = start; b <= to; b++) {
    const v = acting[b]!;
    if (v > 0 || v < 0) return b;
  }
  return end;
}

/** nextEvent's search among a strategy's decision rows (`every`), in a loop of its own: the scan above stays as tight as it was. */
function nextDecisionRow(start: number, to: number, end: number, acting: Float64Array | undefined, rows: Uint8Array): number {
  for (let b = start; b <= to; b++) {
    if (rows[b] !== 1) continue;
    if (acting === undefined) return b;
    const v = acting[b]!;
    if (v > 0 || v < 0) return b;
  }
  return end;
}

/**
 * The values of the strategy's `actsOn` factor, or undefined (no `actsOn`: every decision bar). A bar
 * is one where it may act when its value is non-zero and not NaN — runner/acting.ts's actingBars for
 * one column, read in place; an undeclared factor is refused with acting.ts's error.
 */
function actingOf(strategy: Strategy, params: Params, factors: FactorCache, declared: Readonly<Record<string, Factor>>): Float64Array | undefined {
  if (!strategy.actsOn) return undefined;
  const name = strategy.actsOn(params as never);
  const factor = declared[name];
  if (!factor) throw new UsageError(`strategy ${strategy.name}: actsOn names factor "${name}", which factors() does not declare`, 'E_BAD_STRATEGY');
  return factors.get(factor);
}
