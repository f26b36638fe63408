import type { Params, Strategy, StrategyContext, Weights } from '../strategy/types.ts';
import { Portfolio } from '../broker/portfolio.ts';
import { commission, costModel, executionPrice } from '../broker/costs.ts';
import { belowMaintenance, capLeverage, cutBackTargets, DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../broker/margin.ts';
import { rebalance, rebalanceScratch, type RebalanceOptions } from '../broker/rebalance.ts';
import { StrategyError } from '../errors.ts';
import { shape, type Panel } from '../panel/panel.ts';
import { allocateCurve, type EquityCurve } from '../recorder/equity-curve.ts';
import { TradeLog, type TradeColumns, type TradeReason } from '../recorder/trade-log.ts';
import { DecisionView } from './decision-view.ts';
import type { FactorCache } from './factor-cache.ts';
import type { Schedule } from './schedule.ts';

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
 * 5. solvency: equity ≤ 0 is ruin (liquidation at the next fill, no more decisions); equity below the
 *    maintenance margin calls for a cut at the next fill;
 * 6. record equity, cash, gross, net, long, short and positions for the trading days of the range
 *    (from a ruin on, equity is recorded as max(0, equity): a loss cannot exceed the account).
 */
export interface SimulationSettings {
  readonly cash: number;
  readonly fractional: boolean;
  readonly commissionBps: number;
  readonly slippageBps: number;
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

  const factorRows = new Map<string, Float64Array>();
  for (const [name, factor] of Object.entries(strategy.factors?.(params as never) ?? {})) factorRows.set(name, factors.get(factor));
  const view = new DecisionView(panel, factorRows, portfolio, universe);

  // marks[i]: the last known close of i; kept current for held columns (every bar) and refreshed for
  // newly targeted ones before a rebalance, so no bar pays for the whole universe.
  const marks = new Float64Array(n).fill(NaN);
  const targets = new Float64Array(n);
  const cut = new Float64Array(n);
  const scratch = rebalanceScratch(n);
  const { close, open, member } = panel;
  const rolling = !universe.all;
  let pending = false; // targets decided, waiting for their fill
  let marginCall = false; // below maintenance at the last close: cut at the next fill
  let liquidate = false; // ruined at the last close: sell everything at the next fill
  let bar = 0;
  let reason: TradeReason = 'rebalance';
  const options: RebalanceOptions = {
    fractional: settings.fractional,
    costs: costModel(settings.commissionBps, settings.slippageBps),
    onFill: (f) => {
      trades.push(bar, f.column, f.quantity, f.price, f.fee, reason);
      if (Number.isNaN(marks[f.column]!)) marks[f.column] = f.price; // bought before its first close
    },
    onSkip: (column) => skipped.push({ bar, column }),
    onCut: () => { cutBuys++; },
  };

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
    if (ruinedAt < 0 && t >= firstDecision && t <= lastDecision) {
      view.at(t);
      view.decision = t - firstDecision;
      view.cash = portfolio.cash;
      view.equity = portfolio.equity;
      let weights: Weights | void | undefined;
      try {
        weights = strategy.decide(view, params as never, ctx);
      } catch (err) {
        throw new StrategyError(`strategy ${strategy.name} failed at the close of ${panel.dates[t]}: ${(err as Error).message}`, { cause: err });
      }
      if (weights !== undefined) {
        droppedWeights += toTargets(weights, view, targets, strategy.name);
        decisions.push(t);
        pending = true;
        if (fill === 'close') {
          fillAt(t, close.subarray(row, row + n));
          markHeld(row);
          if (endsAt[t]) liquidateDelisted(t);
          portfolio.mark(marks);
        }
      }
    }
    // Solvency at the close, with the day's trades done.
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
  return {
    curve, trades: trades.finish(), decisions: Int32Array.from(decisions), roundTrips: portfolio.roundTrips, skipped, cutBuys,
    leverageScaled, marginCalls, droppedWeights, ruinedAt,
  };

  /**
   * A fill at `prices` (this bar's opens or closes): after a ruin, everything goes; else the symbols
   * that left the universe, then the pending targets (capped to the leverage limit) or a margin cut.
   */
  function fillAt(t: number, prices: Float64Array): void {
    if (liquidate) {
      if (portfolio.heldCount === 0) { liquidate = false; return; }
      exitHeld(t, prices, () => true, 'ruin');
      if (portfolio.heldCount === 0) liquidate = false;
      return;
    }
    if (rolling && portfolio.heldCount > 0) exitHeld(t, prices, (i) => member[t * n + i] === 0, 'universe');
    if (pending) {
      if (capLeverage(targets, maxLeverage)) leverageScaled++;
      refreshTargetMarks(fill === 'open' ? t - 1 : t);
      reason = 'rebalance';
      rebalance(portfolio, targets, prices, marks, scratch, options);
      pending = false;
      marginCall = false;
    } else if (marginCall) {
      if (cutBackTargets(portfolio, prices, marks, maxLeverage, cut)) {
        marginCalls++;
        reason = 'margin';
        rebalance(portfolio, cut, prices, marks, scratch, options);
        reason = 'rebalance';
      }
      marginCall = false;
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

  /** Closes position i at `reference` (slippage and commission as any fill). */
  function exit(t: number, i: number, reference: number, why: TradeReason): void {
    const d = -portfolio.quantity[i]!;
    const price = executionPrice(reference, d, options.costs);
    const fee = commission(d, price, options.costs);
    portfolio.fill(i, d, price, fee);
    trades.push(t, i, d, price, fee, why);
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
    for (let i = 0; i < n; i++) {
      if (targets[i] === 0 || portfolio.quantity[i] !== 0) continue;
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
    exitHeld(t, close.subarray(t * n, t * n + n), (i) => panel.lastBar[i] === t, 'delisted');
  }
}

/**
 * Copies a strategy's weights into the engine's target array, checking them; weights on symbols the
 * decision may not hold (outside the universe on the fill day) are dropped. Returns how many were.
 */
function toTargets(weights: Weights, view: DecisionView, out: Float64Array, name: string): number {
  const { symbols, date } = view;
  if (weights instanceof Float64Array) {
    if (weights.length !== out.length) {
      throw new StrategyError(`strategy ${name} returned ${weights.length} weights at ${date}; the universe has ${out.length} symbols`);
    }
    if (weights !== out) out.set(weights);
  } else {
    out.fill(0);
    const entries = weights instanceof Map ? weights.entries() : Object.entries(weights);
    for (const [symbol, w] of entries as Iterable<[string, number]>) {
      const i = view.symbolIndex(symbol);
      if (i < 0) throw new StrategyError(`strategy ${name} gave a weight to ${symbol} at ${date}, which is not in the universe`);
      out[i] = w;
    }
  }
  let dropped = 0;
  const member = view.member;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new StrategyError(`strategy ${name} gave ${symbols[i]} a weight of ${out[i]} at ${date}`);
    if (out[i] !== 0 && member[i] === 0) {
      out[i] = 0;
      dropped++;
    }
  }
  return dropped;
}
