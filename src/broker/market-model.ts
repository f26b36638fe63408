import { almgrenImpact, sqrtImpact, turnoverTerm, type ImpactModel } from './impact.ts';
import { WindowStats } from './market-stats.ts';

/**
 * What the market lets a fill do on one fill day, from the panel the run holds:
 * 1. liquidity: with a participation limit P, a fill trades at most P × that day's volume, or
 *    P × ADV (broker/market-stats.ts) where the day's volume is missing (zipline's
 *    VolumeShareSlippage caps a fill at a share of its bar's volume the same way); a symbol with
 *    neither cannot be traded under the limit;
 * 2. impact: the fill's price moves by the impact model's fraction (broker/impact.ts), from σ and ADV
 *    over the `advDays` days before the fill day. A fill without the history for them (no volume,
 *    fewer than 2 returns) is charged no impact, and counted.
 * σ and ADV are computed once per (column, fill day), only for the columns that trade, sliding a
 * column's window when it trades on consecutive days (broker/market-stats.ts).
 */
export interface MarketSettings {
  /** Fraction of a day's volume a fill may take, in (0, 1]; undefined: no limit. */
  readonly maxParticipation?: number | undefined;
  /** Days of history for ADV and σ (default 20). */
  readonly advDays?: number | undefined;
  readonly impact?: ImpactModel | undefined;
  /** k of the square-root model (default 1). */
  readonly impactK?: number | undefined;
  /** T of Almgren et al.'s model: the fraction of a day an order is worked (default 1). */
  readonly impactHorizon?: number | undefined;
}

export const DEFAULT_ADV_DAYS = 20;

export interface MarketData {
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly n: number;
  /** Shares outstanding per column in force on bar t (undefined: not known). */
  sharesOutstanding(t: number): Float64Array | undefined;
}

export class MarketModel {
  readonly capped: boolean;
  readonly impact: ImpactModel;
  /** Orders that could not trade under the limit: the symbol had no volume that day nor before. */
  noVolume = 0;
  /** Fills charged no impact: no volume or too few returns before the fill day. */
  noImpactData = 0;
  /** Almgren fills of symbols without shares outstanding ((Θ/V)^¼ taken as 1). */
  noShares = 0;
  private readonly data: MarketData;
  private readonly participation: number;
  private readonly days: number;
  private readonly k: number;
  private readonly horizon: number;
  private t = -1;
  private shares: Float64Array | undefined;
  private readonly stats: WindowStats;

  constructor(data: MarketData, s: MarketSettings) {
    this.data = data;
    this.participation = s.maxParticipation ?? 0;
    this.capped = this.participation > 0;
    this.impact = s.impact ?? 'none';
    this.days = s.advDays ?? DEFAULT_ADV_DAYS;
    this.k = s.impactK ?? 1;
    this.horizon = s.impactHorizon ?? 1;
    this.stats = new WindowStats(data.close, data.volume, data.n, this.days);
  }

  /** True when fills need this model at all (a limit or an impact model). */
  get active(): boolean {
    return this.capped || this.impact !== 'none';
  }

  /** The fill day of the next calls. */
  at(t: number): void {
    if (t === this.t) return;
    this.t = t;
    this.shares = this.impact === 'almgren' ? this.data.sharesOutstanding(t) : undefined;
  }

  /** Most shares column i may trade today: Infinity without a limit, NaN when it cannot trade (no volume data). */
  limit(i: number): number {
    if (!this.capped) return Infinity;
    const v = this.data.volume[this.t * this.data.n + i]!;
    if (v === v) return this.participation * v;
    this.stats.at(i, this.t);
    const adv = this.stats.adv[i]!;
    // Stryker disable next-line ConditionalExpression: equivalent: P × NaN is NaN; the test says which case is meant
    return adv === adv ? this.participation * adv : NaN;
  }

  /**
   * The impact of a fill of `shares` of column i today, a fraction of the price (0 without a model);
   * `count`: note a fill without the data it needs (false when pricing the same fill again).
   */
  impactOf(i: number, shares: number, count = true): number {
    if (this.impact === 'none' || shares === 0) return 0;
    this.stats.at(i, this.t);
    const adv = this.stats.adv[i]!, sigma = this.stats.sigma[i]!;
    if (!(adv > 0) || !(sigma === sigma)) {
      if (count) this.noImpactData++;
      return 0;
    }
    if (this.impact === 'sqrt') return sqrtImpact(this.k, sigma, shares, adv);
    const theta = this.shares ? this.shares[i]! : NaN;
    if (!(theta > 0) && count) this.noShares++;
    return almgrenImpact(sigma, shares, adv, this.horizon, turnoverTerm(theta, adv));
  }
}
