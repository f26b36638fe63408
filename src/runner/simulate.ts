import type { Params, Strategy, StrategyContext, Weights } from '../strategy/types.ts';
import { Portfolio } from '../broker/portfolio.ts';
import { Carry } from '../broker/carry.ts';
import { commission, costModel, CostTotals, executionPrice } from '../broker/costs.ts';
import { borrowFee, cashInterest } from '../broker/financing.ts';
import { MarketModel, type MarketSettings } from '../broker/market-model.ts';
import { belowMaintenance, cutBackTargets, DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../broker/margin.ts';
import { executeCarried, rebalance, rebalanceScratch, type RebalanceOptions } from '../broker/rebalance.ts';
import { NO_COLUMNS, Targets } from '../broker/targets.ts';
import { StrategyError } from '../errors.ts';
import { seasonAt, shape, type Panel } from '../panel/panel.ts';
import { allocateCurve, type EquityCurve } from '../recorder/equity-curve.ts';
import { TradeLog, type TradeColumns, type TradeReason } from '../recorder/trade-log.ts';
import { DecisionView } from './decision-view.ts';
import type { FactorCache } from './factor-cache.ts';
import { strategyRows, type Schedule } from './schedule.ts';

/**
 * One variant's run over the panel.
 *
 * For each bar t from the first decision to the last trading day:
 * 1. (open fills) at this bar's open: after a ruin, sell or cover everything; else sell the positions
 *    in symbols that left the universe (`universe`), then execute the targets decided at the previous
 *    close (scaled to the leverage limit), or — without targets — cut a book that fell below the
 *    maintenance margin back to the leverage limit (`margin`);
 * 2. mark positions at this close (the last known close where this one is missing), and liquidate at
 *    it positions in symbols whose data end here (before the range ends);
 * 3. (close fills) the same as 1, at this close;
 * 4. on a decision bar, call the strategy with the history up to t; weights on symbols it may not
 *    hold are dropped; its targets fill at the next open, or at once at this close with close fills;
 * 5. financing at the close (broker/financing.ts): shorts pay their borrow fee, free cash earns
 *    interest; then solvency: equity ≤ 0 is ruin (liquidation at the next fill, no more decisions);
 *    equity below the maintenance margin calls for a cut at the next fill;
 * 6. record equity, cash, gross, net, long, short and positions for the trading days of the range
 *    (from a ruin on, equity is recorded as max(0, equity): a loss cannot exceed the account).
 * With a participation limit, the strategy's orders fill at most their share of the day's volume and
 * the rest is carried: a fill day without new targets (nor a margin cut) tries the remainders again;
 * new targets, a margin cut or a ruin drop them (broker/carry.ts). Forced trades (delisted,
 * universe, margin, ruin) are not limited: they fill whole, paying spread, slippage and impact.
 */
export interface SimulationSettings extends MarketSettings {
  readonly cash: number;
  readonly fractional: boolean;
  readonly commissionBps: number;
  readonly slippageBps: number;
  /** The quoted bid-ask spread in bps: each fill pays half of it (default 0). */
  readonly spreadBps?: number | undefined;
  /** Commission per share and least commission per fill, in currency (default 0). */
  readonly commissionPerShare?: number | undefined;
  readonly minCommission?: number | undefined;
  /** Annual borrow fee on short market value, bps (default 0; a borrow table in the panel overrides it where it has a rate). */
  readonly borrowBps?: number | undefined;
  /** Annual interest rate on free cash, a fraction (default 0). */
  readonly cashRate?: number | undefined;
  /** Gross exposure at most this × equity (default 2). */
  readonly maxLeverage?: number;
  /** Equity below this × gross at a close calls for a cut (default 0.25). */
  readonly maintenanceMargin?: number;
  /** The annual risk-free rate (`--risk-free`), for Sharpe, Sortino and alpha; default 0. */
  readonly riskFree?: number;
}

export interface SimulationResult {
  readonly curve: EquityCurve;
  readonly trades: TradeColumns;
  /** Bars on which the strategy returned targets. */
  readonly decisions: Int32Array;
  readonly roundTrips: number;
  /** Orders not executed because the symbol had no price on the fill day. */
  readonly skipped: ReadonlyArray<{ bar: number; column: number }>;
  /** Buys cut to what the cash could pay. */
  readonly cutBuys: number;
  /** Fills whose targets were scaled down to the leverage limit. */
  readonly leverageScaled: number;
  /** Books cut back after falling below the maintenance margin. */
  readonly marginCalls: number;
  /** Weights the strategy gave to symbols outside the universe that day (dropped). */
  readonly droppedWeights: number;
  /** The bar at whose close equity reached 0 or below, or −1. */
  readonly ruinedAt: number;
  /** Where the money went, and what the orders asked and never got. */
  readonly costs: RunCosts;
}

/** A run's costs by kind (currency, summed over the run) and its orders' liquidity. */
export interface RunCosts {
  readonly commission: number;
  readonly spread: number;
  readonly slippage: number;
  readonly impact: number;
  readonly borrow: number;
  /** Interest earned on free cash (income, not a cost). */
  readonly interest: number;
  /** Σ |shares| × reference price of the strategy's orders (with a participation limit; else 0). */
  readonly asked: number;
  /** Σ |shares| × reference price of the remainders that never filled. */
  readonly unfilled: number;
  /** Orders that could not trade under the limit: no volume data. */
  readonly untradable: number;
  /** Fills charged no impact for want of history, and Almgren fills without shares outstanding. */
  readonly noImpactData: number;
  readonly noShares: number;
}

export function simulate(
  panel: Panel,
  strategy: Strategy,
  params: Params,
  schedule: Schedule,
  settings: SimulationSettings,
  factors: FactorCache,
  ctx: StrategyContext,
): SimulationResult {
  const { n } = shape(panel);
  const { first, last, firstDecision, lastDecision, fill } = schedule;
  const maxLeverage = settings.maxLeverage ?? DEFAULT_MAX_LEVERAGE;
  const maintenance = settings.maintenanceMargin ?? DEFAULT_MAINTENANCE_MARGIN;
  const universe = factors.universe;
  const portfolio = new Portfolio(settings.cash, n);
  const curve = allocateCurve(last - first + 1);
  const trades = new TradeLog();
  const decisions: number[] = [];
  const skipped: { bar: number; column: number }[] = [];
  let cutBuys = 0, leverageScaled = 0, marginCalls = 0, droppedWeights = 0;
  let ruinedAt = -1;

  // A strategy deciding every R-th decision bar (`every`) is asked on those bars alone, and its sparse
  // factors are computed on those rows alone.
  const rows = strategyRows(strategy, params, schedule, panel.days.length);
  const factorRows = new Map<string, Float64Array>();
  for (const [name, factor] of Object.entries(strategy.factors?.(params as never) ?? {})) factorRows.set(name, factors.get(factor, rows));
  const view = new DecisionView(panel, factorRows, portfolio, universe, rows);

  // marks[i]: the last known close of i; kept current for held columns (every bar) and refreshed for
  // newly targeted ones before a rebalance, so no bar pays for the whole universe.
  const marks = new Float64Array(n).fill(NaN);
  const targets = new Targets(n);
  const cut = new Float64Array(n);
  const scratch = rebalanceScratch(n);
  const { close, open, member } = panel;
  const rolling = !universe.all;
  // Stryker disable next-line BooleanLiteral: equivalent: a fill before any decision rebalances an empty book to empty targets, which trades nothing
  let pending = false; // targets decided, waiting for their fill
  // Stryker disable next-line BooleanLiteral: equivalent: a margin cut of an empty book does nothing (cutBackTargets returns false)
  let marginCall = false; // below maintenance at the last close: cut at the next fill
  // Stryker disable next-line BooleanLiteral: equivalent: the first fill would find nothing held, clear the flag and return, with nothing pending yet
  let liquidate = false; // ruined at the last close: sell everything at the next fill
  let bar = 0;
  // Stryker disable next-line StringLiteral: equivalent: every rebalance and carried fill sets `reason` just before it runs
  let reason: TradeReason = 'rebalance';
  const costs = costModel(settings.commissionBps, settings.slippageBps, settings);
  const totals = new CostTotals();
  const market = new MarketModel({ close, volume: panel.volume, n, sharesOutstanding: (t) => seasonAt(panel, t).shares }, settings);
  const carry = new Carry(n);
  const options: RebalanceOptions = {
    fractional: settings.fractional,
    costs,
    market: market.active ? market : undefined,
    limited: market.capped,
    carry: market.capped ? carry : undefined,
    onFill: (f) => {
      trades.push(bar, f.column, f.quantity, f.price, f.fee, reason, f.asked);
      totals.fill(f.quantity, f.reference, costs, f.impact, f.fee);
      if (Number.isNaN(marks[f.column]!)) marks[f.column] = f.price; // bought before its first close
    },
    onSkip: (column) => skipped.push({ bar, column }),
    onCut: () => { cutBuys++; },
  };
  // Stryker disable next-line BooleanLiteral: equivalent: without a carry the participation limit is off anyway (rebalance.ts needs limited, market and carry)
  const forced: RebalanceOptions = { ...options, limited: false, carry: undefined }; // margin cuts fill whole
  const borrowBps = settings.borrowBps ?? 0, cashRate = settings.cashRate ?? 0;
  const financing = borrowBps > 0 || cashRate > 0 || panel.borrow !== undefined;

  // Bars on which some symbol's data end (inside the range): the only bars that liquidate.
  const endsAt = new Uint8Array(last + 1);
  for (let i = 0; i < n; i++) if (panel.lastBar[i]! >= 0 && panel.lastBar[i]! < last) endsAt[panel.lastBar[i]!] = 1;

  const start = Math.min(firstDecision, first);
  for (let t = start; t <= last; t++) {
    bar = t;
    const row = t * n;
    if (fill === 'open') fillAt(t, open.subarray(row, row + n));
    markHeld(row);
    if (endsAt[t]) liquidateDelisted(t);
    portfolio.mark(marks);
    if (fill === 'close') {
      fillAt(t, close.subarray(row, row + n));
      portfolio.mark(marks);
    }
    if (ruinedAt < 0 && t >= firstDecision && t <= lastDecision && (rows === undefined || rows[t] === 1)) {
      view.at(t);
      view.decision = t - firstDecision;
      view.cash = portfolio.cash;
      view.equity = portfolio.equity;
      const weights = askStrategy(strategy, view, params, ctx, panel.dates[t]!);
      if (weights !== undefined) {
        droppedWeights += toTargets(weights, view, targets, strategy.name);
        decisions.push(t);
        pending = true;
        if (fill === 'close') {
          fillAt(t, close.subarray(row, row + n));
          // Stryker disable next-line CallExpression: equivalent: held columns were marked at this close above, and the ones just bought took this close as their mark in refreshTargetMarks
          markHeld(row);
          if (endsAt[t]) liquidateDelisted(t);
          portfolio.mark(marks);
        }
      }
    }
    // Financing, then solvency, at the close, with the day's trades done.
    if (financing && t >= first) accrue(t);
    const equity = portfolio.equity;
    if (ruinedAt < 0 && equity <= 0) {
      ruinedAt = t;
      liquidate = true;
      pending = false;
    } else if (ruinedAt < 0) {
      marginCall = belowMaintenance(equity, portfolio.gross, maintenance);
    }
    if (t >= first) {
      const d = t - first;
      curve.cash[d] = portfolio.cash;
      curve.net[d] = portfolio.net;
      curve.gross[d] = portfolio.gross;
      curve.long[d] = portfolio.long;
      curve.short[d] = portfolio.net - portfolio.long;
      curve.positions[d] = portfolio.heldCount;
      curve.equity[d] = ruinedAt >= 0 ? Math.max(0, equity) : equity;
    }
  }
  carry.dropAll(); // remainders still open at the end never filled
  return {
    curve, trades: trades.finish(), decisions: Int32Array.from(decisions), roundTrips: portfolio.roundTrips, skipped, cutBuys,
    leverageScaled, marginCalls, droppedWeights, ruinedAt,
    costs: {
      commission: totals.commission, spread: totals.spread, slippage: totals.slippage, impact: totals.impact, borrow: totals.borrow, interest: totals.interest,
      asked: carry.asked, unfilled: carry.unfilled, untradable: carry.untradable, noImpactData: market.noImpactData, noShares: market.noShares,
    },
  };

  /** The borrow fee of the shorts held at this close, then interest on the free cash (broker/financing.ts). */
  function accrue(t: number): void {
    const fee = borrowFee(portfolio, marks, panel.borrow, t * n, borrowBps);
    portfolio.cash -= fee;
    totals.borrow += fee;
    if (cashRate > 0) {
      const interest = cashInterest(portfolio, cashRate);
      portfolio.cash += interest;
      totals.interest += interest;
    }
  }

  /**
   * A fill at `prices` (this bar's opens or closes): after a ruin, everything goes; else the symbols
   * that left the universe, then the pending targets (capped to the leverage limit) or a margin cut.
   */
  function fillAt(t: number, prices: Float64Array): void {
    market.at(t);
    if (liquidate) {
      carry.dropAll();
      // Stryker disable next-line BlockStatement,BooleanLiteral: equivalent: with nothing held the liquidation below sells nothing and clears the flag too; a flag left set only makes later fills return early, and after a ruin nothing is ever pending, held or carried
      if (portfolio.heldCount === 0) { liquidate = false; return; }
      exitHeld(t, prices, () => true, 'ruin');
      // Stryker disable next-line BooleanLiteral: equivalent: with the book empty, a flag left set only makes later fills return early, and after a ruin nothing is ever pending, held or carried
      if (portfolio.heldCount === 0) liquidate = false;
      return;
    }
    // Stryker disable next-line LogicalOperator: equivalent: a universe that is not rolling has every column a member on every bar (panel/eligibility.ts), so nothing leaves it
    if (rolling && portfolio.heldCount > 0) exitHeld(t, prices, (i) => member[t * n + i] === 0, 'universe');
    if (pending) {
      if (targets.capLeverage(maxLeverage)) leverageScaled++;
      refreshTargetMarks(fill === 'open' ? t - 1 : t);
      carry.dropAll(); // the new targets replace what the last ones left unfilled
      reason = 'rebalance';
      rebalance(portfolio, targets.weights, prices, marks, scratch, options, targets);
      pending = false;
      // Stryker disable next-line BooleanLiteral: equivalent: the flag is set again at this bar's close before any later fill, and after a ruin only an empty book could be cut
      marginCall = false;
    } else if (marginCall) {
      carry.dropAll();
      if (cutBackTargets(portfolio, prices, marks, maxLeverage, cut)) {
        marginCalls++;
        reason = 'margin';
        rebalance(portfolio, cut, prices, marks, scratch, forced, NO_COLUMNS); // a cut's targets are all held columns
        // Stryker disable next-line StringLiteral: equivalent: every rebalance and carried fill sets `reason` just before it runs
        reason = 'rebalance';
      }
      // Stryker disable next-line BooleanLiteral: equivalent: the flag is set again at this bar's close before any later fill, and after a ruin only an empty book could be cut
      marginCall = false;
    } else if (carry.count > 0) {
      reason = 'rebalance';
      executeCarried(portfolio, prices, scratch, carry, options);
    }
  }

  /** Sells (or covers) at `prices` every held position that `leaves`; one with no price waits for the next fill. */
  function exitHeld(t: number, prices: Float64Array, leaves: (i: number) => boolean, why: TradeReason): void {
    const leaving: number[] = [];
    for (let k = 0; k < portfolio.heldCount; k++) if (leaves(portfolio.held[k]!)) leaving.push(portfolio.held[k]!);
    for (const i of leaving) {
      const p = prices[i]!;
      if (!Number.isFinite(p)) {
        skipped.push({ bar: t, column: i });
        continue;
      }
      exit(t, i, p, why);
    }
  }

  /** Closes position i at `reference` (slippage, spread, impact and commission as any fill; never limited). */
  function exit(t: number, i: number, reference: number, why: TradeReason): void {
    carry.drop(i); // what was still to trade in it goes with it
    const d = -portfolio.quantity[i]!;
    const impact = market.active ? market.impactOf(i, d) : 0;
    const price = executionPrice(reference, d, costs, impact);
    const fee = commission(d, price, costs);
    portfolio.fill(i, d, price, fee);
    trades.push(t, i, d, price, fee, why, d);
    totals.fill(d, reference, costs, impact, fee);
  }

  /** Held columns take this bar's close as their mark (keeping the last one through gaps). */
  function markHeld(row: number): void {
    const { held } = portfolio;
    for (let k = 0; k < portfolio.heldCount; k++) {
      const i = held[k]!;
      const c = close[row + i]!;
      if (c === c) marks[i] = c;
    }
  }

  /** Columns about to be bought take the last close at or before bar `upTo` as their mark. */
  function refreshTargetMarks(upTo: number): void {
    const { weights, columns, count } = targets;
    for (let k = 0; k < count; k++) {
      const i = columns[k]!;
      if (weights[i] === 0 || portfolio.quantity[i] !== 0) continue;
      marks[i] = NaN;
      for (let b = upTo; b >= 0; b--) {
        const c = close[b * n + i]!;
        if (c === c) {
          marks[i] = c;
          break;
        }
      }
    }
  }

  /** Sells (or covers) at this close every position whose symbol has no data after bar t. */
  function liquidateDelisted(t: number): void {
    market.at(t);
    exitHeld(t, close.subarray(t * n, t * n + n), (i) => panel.lastBar[i] === t, 'delisted');
  }
}

/** The strategy's answer at a close; what it throws becomes a StrategyError naming the strategy and the date. */
export function askStrategy(strategy: Strategy, view: DecisionView, params: Params, ctx: StrategyContext, date: string): Weights | void | undefined {
  try {
    return strategy.decide(view, params as never, ctx);
  } catch (err) {
    throw new StrategyError(`strategy ${strategy.name} failed at the close of ${date}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Copies a strategy's weights into the engine's targets, checking them; weights on symbols the
 * decision may not hold (outside the universe on the fill day) are dropped. Returns how many were.
 * A weights array is read once, column by column: only its non-zero weights are written and listed.
 * (The one-symbol path, single-symbol.ts, uses it too: the same checks and errors on both paths.)
 */
export function toTargets(weights: Weights, view: DecisionView, out: Targets, name: string): number {
  const { symbols, date } = view;
  const n = out.weights.length;
  const member = view.member;
  out.clear();
  let dropped = 0;
  if (weights instanceof Float64Array) {
    if (weights.length !== n) {
      throw new StrategyError(`strategy ${name} returned ${weights.length} weights at ${date}; the universe has ${n} symbols`);
    }
    for (let i = 0; i < n; i++) {
      while (i < n && weights[i] === 0) i++; // the scan alone, in a tight loop: most weights are 0
      if (i === n) break;
      const w = weights[i]!;
      if (!Number.isFinite(w)) throw new StrategyError(`strategy ${name} gave ${symbols[i]} a weight of ${w} at ${date}`);
      if (member[i] === 0) dropped++;
      else out.push(i, w);
    }
    return dropped;
  }
  const dense = out.weights;
  const entries = weights instanceof Map ? weights.entries() : Object.entries(weights);
  for (const [symbol, w] of entries as Iterable<[string, number]>) {
    const i = view.symbolIndex(symbol);
    if (i < 0) throw new StrategyError(`strategy ${name} gave a weight to ${symbol} at ${date}, which is not in the universe`);
    dense[i] = w;
  }
  for (let i = 0; i < n; i++) {
    const w = dense[i]!;
    if (w === 0) continue;
    dense[i] = 0; // listed again below, or dropped
    if (!Number.isFinite(w)) throw new StrategyError(`strategy ${name} gave ${symbols[i]} a weight of ${w} at ${date}`);
    if (member[i] === 0) dropped++;
    else out.push(i, w);
  }
  return dropped;
}
