import type { Params, Strategy, StrategyContext, Weights } from '../strategy/types.ts';
import { Portfolio } from '../broker/portfolio.ts';
import { commission, costModel, executionPrice } from '../broker/costs.ts';
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
 * 1. (open fills) execute the targets decided at the previous close at this bar's open;
 * 2. mark positions at this close (the last known close where this one is missing), and
 *    liquidate at it positions in symbols whose data end here (before the range ends);
 * 4. on a decision bar, call the strategy with the history up to t; its targets fill at the
 *    next open, or at once at this close with close fills;
 * 5. record equity, cash, gross and net for the trading days of the range.
 */
export interface SimulationSettings {
  readonly cash: number;
  readonly fractional: boolean;
  readonly commissionBps: number;
  readonly slippageBps: number;
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
  const portfolio = new Portfolio(settings.cash, n);
  const curve = allocateCurve(last - first + 1);
  const trades = new TradeLog();
  const decisions: number[] = [];
  const skipped: { bar: number; column: number }[] = [];
  let cutBuys = 0;

  const factorRows = new Map<string, Float64Array>();
  for (const [name, factor] of Object.entries(strategy.factors?.(params as never) ?? {})) factorRows.set(name, factors.get(factor));
  const view = new DecisionView(panel, factorRows, portfolio);

  // marks[i]: the last known close of i; kept current for held columns (every bar) and refreshed for
  // newly targeted ones before a rebalance, so no bar pays for the whole universe.
  const marks = new Float64Array(n).fill(NaN);
  const targets = new Float64Array(n);
  const scratch = rebalanceScratch(n);
  const { close } = panel;
  let pending = false;
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
    if (pending) {
      refreshTargetMarks(t - 1);
      rebalance(portfolio, targets, panel.open.subarray(row, row + n), marks, scratch, options);
      pending = false;
    }
    markHeld(row);
    if (endsAt[t]) liquidateDelisted(t);
    portfolio.mark(marks);
    if (t >= firstDecision && t <= lastDecision) {
      view.at(t);
      view.decision = t - firstDecision;
      view.cash = portfolio.cash;
      view.equity = portfolio.cash + portfolio.net;
      let weights: Weights | void | undefined;
      try {
        weights = strategy.decide(view, params as never, ctx);
      } catch (err) {
        throw new StrategyError(`strategy ${strategy.name} failed at the close of ${panel.dates[t]}: ${(err as Error).message}`, { cause: err });
      }
      if (weights !== undefined) {
        toTargets(weights, view, targets, strategy.name);
        decisions.push(t);
        if (fill === 'close') {
          refreshTargetMarks(t);
          rebalance(portfolio, targets, close.subarray(row, row + n), marks, scratch, options);
          markHeld(row);
          if (endsAt[t]) liquidateDelisted(t);
          portfolio.mark(marks);
        } else {
          pending = true;
        }
      }
    }
    if (t >= first) {
      const d = t - first;
      curve.cash[d] = portfolio.cash;
      curve.net[d] = portfolio.net;
      curve.gross[d] = portfolio.gross;
      curve.equity[d] = portfolio.cash + portfolio.net;
    }
  }
  return { curve, trades: trades.finish(), decisions: Int32Array.from(decisions), roundTrips: portfolio.roundTrips, skipped, cutBuys };

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
    const ending: number[] = [];
    for (let k = 0; k < portfolio.heldCount; k++) if (panel.lastBar[portfolio.held[k]!] === t) ending.push(portfolio.held[k]!);
    for (const i of ending) {
      const d = -portfolio.quantity[i]!;
      const price = executionPrice(close[t * n + i]!, d, options.costs);
      const fee = commission(d, price, options.costs);
      portfolio.fill(i, d, price, fee);
      reason = 'delisted';
      trades.push(t, i, d, price, fee, reason);
      reason = 'rebalance';
    }
  }
}

/** Copies a strategy's weights into the engine's target array, checking them. */
function toTargets(weights: Weights, view: DecisionView, out: Float64Array, name: string): void {
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
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new StrategyError(`strategy ${name} gave ${symbols[i]} a weight of ${out[i]} at ${date}`);
  }
}
