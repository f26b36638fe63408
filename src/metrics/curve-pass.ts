import type { EquityCurve } from '../recorder/equity-curve.ts';
import { TRADING_DAYS } from './returns.ts';
import { squaredLoss } from './sortino.ts';

/**
 * The per-day metrics of one equity curve in two passes over it and no array allocated — the
 * values of the one-metric functions (returns.ts, sharpe.ts, sortino.ts, volatility.ts, drawdown.ts,
 * turnover.ts, exposure.ts), bit for bit: each sum runs over the days in the same order with the same
 * operations, and the daily return rₖ = Eₖ / Eₖ₋₁ − 1 (r₀ = E₀ / cash − 1) is recomputed where
 * those functions read it from an array (the same division, so the same number).
 *
 * 1. Pass one: Σ r (the mean), max |r| (sampleSd's rounding bound), Σ min(r − r_f, 0)² (Sortino's
 *    downside; `squaredLoss`, without a branch), the running peak max(cash, E₀ … Eₖ) with the worst
 *    drawdown Eₖ / peak − 1 and the longest run of days below a peak, Σ E (turnover's mean equity),
 *    Σ gross / E, Σ net / E, max gross / E, Σ positions, and whether every E > 0 (exposure's solvency).
 *    A day that repeats the day before (`repeats`: a book in cash, or held through a day without a
 *    close) has the day before's quotients, and its divisions are skipped.
 * 2. Pass two: Σ (r − mean)² (the two-pass sample variance of sampleSd).
 */
export interface CurveStats {
  readonly days: number;
  /** mean(r), or null without days; the sample sd (sampleSd: null under two days, 0 within rounding). */
  readonly meanReturn: number | null;
  readonly sd: number | null;
  /** √(Σ min(r − r_f, 0)² / days) (Sortino's downside deviation). */
  readonly downside: number;
  readonly maxDrawdown: number | null;
  readonly maxDrawdownDays: number;
  readonly meanEquity: number | null;
  readonly grossExposure: number | null;
  /** Exposure ratios: null unless every day's equity is positive. */
  readonly avgNetExposure: number | null;
  readonly maxGrossExposure: number | null;
  readonly avgPositions: number | null;
}

export function curveStats(curve: Pick<EquityCurve, 'equity' | 'gross' | 'net' | 'positions'>, startCash: number, riskFree: number): CurveStats {
  const { equity, gross, net, positions } = curve;
  const n = equity.length;
  // `+startCash`: a whole number of cash is a small integer, and a loop variable that starts as one
  // and then holds doubles is a boxed value in optimised code: a heap number allocated every day.
  const cash = +startCash;
  let sumR = 0, largest = 0, down = 0;
  let peak = cash, worst = 0, run = 0, longest = 0;
  let sumE = 0, sumGross = 0, sumNet = 0, mostGross = 0, sumPositions = 0;
  let solvent = n > 0;
  let prev = cash;
  // Yesterday's gross and net (NaN before the first day: it repeats nothing) and quotients, and a
  // repeated day's squared loss (its r is 0): see `repeats`.
  let grossBefore = NaN, netBefore = NaN, dd = 0, g = 0, gn = 0;
  const down0 = squaredLoss(0 - riskFree);
  for (let k = 0; k < n; k++) {
    const e = equity[k]!, grossK = gross[k]!, netK = net[k]!;
    if (repeats(e, prev, grossK, grossBefore, netK, netBefore)) {
      // r = e / e − 1 = 0: Σ r and max |r| stay as they are (a sum of returns is never −0).
      down += down0;
    } else {
      const r = e / prev - 1;
      sumR += r;
      if (Math.abs(r) > largest) largest = Math.abs(r);
      down += squaredLoss(r - riskFree);
      if (e > peak) peak = e;
      dd = e / peak - 1;
      if (dd < worst) worst = dd;
      g = grossK / e;
      if (g > mostGross) mostGross = g;
      // Also when gross and net are one array (a book never short: runner/single-symbol.ts): a second
      // division costs less than choosing, day by day, whether to make it.
      gn = netK / e;
      if (!(e > 0)) solvent = false;
    }
    prev = e;
    grossBefore = grossK;
    netBefore = netK;
    run = dd < 0 ? run + 1 : 0;
    if (run > longest) longest = run;
    sumE += e;
    sumGross += g;
    sumNet += gn;
    sumPositions += positions[k]!;
  }
  const mean = n ? sumR / n : null;
  let sd: number | null = null;
  if (mean !== null && n >= 2) {
    let ss = 0;
    prev = cash;
    for (let k = 0; k < n; k++) {
      const e = equity[k]!;
      const r = e / prev - 1;
      prev = e;
      ss += (r - mean) ** 2;
    }
    const s = Math.sqrt(ss / (n - 1));
    sd = s <= 2 * n * Number.EPSILON * largest ? 0 : s;
  }
  return {
    days: n,
    meanReturn: mean,
    sd,
    downside: Math.sqrt(down / n),
    maxDrawdown: n ? worst : null,
    maxDrawdownDays: longest,
    meanEquity: n ? sumE / n : null,
    grossExposure: n ? sumGross / n : null,
    avgNetExposure: solvent ? sumNet / n : null,
    maxGrossExposure: solvent ? mostGross : null,
    avgPositions: n ? sumPositions / n : null,
  };
}

/**
 * Whether a day repeats the day before — the same equity (finite and not 0), gross and net — so
 * that each of its quotients is yesterday's: r = e / e − 1 = 0 exactly, the peak is unchanged (it is
 * at least yesterday's equity) and so is e / peak, gross / e and net / e. A book in cash, or held
 * through a day without a close, repeats: curveStats skips the divisions on such days.
 */
function repeats(e: number, prev: number, gross: number, grossBefore: number, net: number, netBefore: number): boolean {
  return e === prev && gross === grossBefore && net === netBefore && e !== 0 && e - e === 0;
}

/** volatility, sharpe and sortino from the stats (volatility.ts, sharpe.ts, sortino.ts). */
export function volatilityOf(s: CurveStats): number | null {
  return s.sd === null ? null : s.sd * Math.sqrt(TRADING_DAYS);
}

export function sharpeOf(s: CurveStats, riskFree: number): number | null {
  return s.meanReturn === null || !s.sd ? null : ((s.meanReturn - riskFree) / s.sd) * Math.sqrt(TRADING_DAYS);
}

export function sortinoOf(s: CurveStats, riskFree: number): number | null {
  if (s.meanReturn === null) return null;
  return s.downside === 0 ? null : ((s.meanReturn - riskFree) / s.downside) * Math.sqrt(TRADING_DAYS);
}

/** turnover.ts's turnover from the mean equity. */
export function turnoverOf(tradedNotional: number, s: CurveStats): number | null {
  const m = s.meanEquity;
  return m === null || m <= 0 ? null : (tradedNotional / 2 / m) * (TRADING_DAYS / s.days);
}
