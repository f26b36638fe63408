import { allocatePanel, indexCloses, type Panel } from '../panel/panel.ts';
import { parseIsoDate, weekday, yearOf } from '../util/dates.ts';

/**
 * A synthetic equity market, seeded and deterministic: the same spec gives the same numbers
 * on every machine, because it uses only +, −, ×, ÷ and √ (exact in IEEE 754) and an integer PRNG.
 *
 * 1. Business days (Monday–Friday) from `from` to `to`.
 * 2. Daily return of symbol i in peer group g:
 *      r = βm·m + βg·s_g + e_i + a_i
 *    m, s_g and e_i are GARCH(1,1) shocks (volatility clustering) with fat-tailed (Student-t)
 *    innovations for the market, each peer group and each symbol; a_i is a slowly mean-reverting drift (persistent winners and losers, so a
 *    cross-sectional model has something to find); rare idiosyncratic jumps fatten the tails.
 * 3. Prices compound from a starting level; the open carries part of the day's move (an
 *    overnight gap); high and low extend beyond open and close by a fraction of the day's
 *    volatility; volume rises with the size of the move. Prices are rounded to 4 decimals.
 * 4. Some symbols list late (IPOs), a few stop trading early (delistings).
 * 5. Each season (calendar year) has a universe, like an index's members that year: most
 *    symbols stay, a few are removed and added between seasons; delisted symbols leave the
 *    season after they stop, new listings join the season after they list.
 */
export interface SampleSpec {
  readonly seed: number;
  readonly symbols: number;
  readonly from: string;
  readonly to: string;
  readonly groups?: readonly string[];
  /** Symbols that list after the first day, and that stop before the last. */
  readonly listings?: number;
  readonly delistings?: number;
  /** Members removed (and as many added) at each season change. */
  readonly seasonTurnover?: number;
}

export const SECTORS = [
  'Communication Services', 'Consumer Discretionary', 'Consumer Staples', 'Energy', 'Financials', 'Health Care',
  'Industrials', 'Information Technology', 'Materials', 'Real Estate', 'Utilities',
] as const;

/** The embedded sample market of data/sample (regenerate with `npm run sample`). */
export const SAMPLE_SPEC: SampleSpec = {
  seed: 20250107,
  symbols: 300,
  from: '2023-01-02',
  to: '2026-06-30',
  listings: 14,
  delistings: 7,
  seasonTurnover: 10,
};

export interface SampleMarket {
  readonly days: Int32Array;
  readonly symbols: readonly string[];
  readonly names: readonly string[];
  readonly peerGroups: readonly string[];
  /** T × N, time-major; NaN outside a symbol's listing. */
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly universe: ReadonlyArray<{ season: number; symbol: string; peer_group: string; name: string }>;
}

/** sfc32: a small, fast, well-tested 32-bit generator; uniform in [0, 1). */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed | 0;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let k = 0; k < 15; k++) next();
  return next;
}

/** Standard normal by Irwin–Hall (sum of 12 uniforms − 6): no transcendental function, so exact everywhere. */
function normal(u: () => number): number {
  let s = 0;
  for (let k = 0; k < 12; k++) s += u();
  return s - 6;
}

/** Student-t with 5 degrees of freedom scaled to unit variance: fat-tailed shocks, still only + × ÷ √. */
function fatTailed(u: () => number): number {
  const z = normal(u);
  let chi2 = 0;
  for (let k = 0; k < 5; k++) {
    const g = normal(u);
    chi2 += g * g;
  }
  return (z / Math.sqrt(chi2 / 5)) * Math.sqrt(3 / 5);
}

function businessDays(from: string, to: string): Int32Array {
  const a = parseIsoDate(from), b = parseIsoDate(to);
  if (a === null || b === null) throw new RangeError(`bad sample range ${from} … ${to}`);
  const days: number[] = [];
  for (let d = a; d <= b; d++) if (weekday(d) !== 0 && weekday(d) !== 6) days.push(d);
  return Int32Array.from(days);
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** A GARCH(1,1) shock stream with a given long-run daily volatility. */
class Garch {
  private variance: number;
  private readonly omega: number;
  private readonly alpha: number;
  private readonly beta: number;
  constructor(dailyVol: number, alpha = 0.08, beta = 0.9) {
    this.alpha = alpha;
    this.beta = beta;
    this.variance = dailyVol * dailyVol;
    this.omega = this.variance * (1 - alpha - beta);
  }
  next(z: number): number {
    const shock = Math.sqrt(this.variance) * z;
    this.variance = this.omega + this.alpha * shock * shock + this.beta * this.variance;
    return shock;
  }
  get vol(): number {
    return Math.sqrt(this.variance);
  }
}

function tickers(count: number, u: () => number): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const seen = new Set<string>();
  while (seen.size < count) {
    const len = u() < 0.55 ? 3 : 4;
    let t = '';
    for (let k = 0; k < len; k++) t += letters[Math.floor(u() * 26)];
    seen.add(t);
  }
  return [...seen].sort();
}

export function generateSampleMarket(spec: SampleSpec): SampleMarket {
  const u = sfc32(spec.seed);
  const days = businessDays(spec.from, spec.to);
  const T = days.length, N = spec.symbols;
  const groups = spec.groups ?? SECTORS;
  const symbols = tickers(N, u);

  // Peer groups of uneven size, as real sectors are.
  const weights = groups.map(() => 0.5 + u());
  const total = weights.reduce((s, w) => s + w, 0);
  const peerIndex = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let x = u() * total, g = 0;
    while (g < groups.length - 1 && x >= weights[g]!) x -= weights[g++]!;
    peerIndex[i] = g;
  }
  const peerGroups = symbols.map((_, i) => groups[peerIndex[i]!]!);
  const names = symbols.map((s, i) => `${s} ${groups[peerIndex[i]!]!.split(' ')[0]} Co. (synthetic)`);

  // Listing windows: most trade throughout; some list late, a few stop early.
  const firstBar = new Int32Array(N);
  const lastBar = new Int32Array(N).fill(T - 1);
  const order = Array.from({ length: N }, (_, i) => i);
  for (let k = N - 1; k > 0; k--) {
    const j = Math.floor(u() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const listings = spec.listings ?? 0, delistings = spec.delistings ?? 0;
  for (let k = 0; k < listings; k++) firstBar[order[k]!] = Math.floor(T * (0.1 + 0.7 * u()));
  for (let k = 0; k < delistings; k++) lastBar[order[listings + k]!] = Math.floor(T * (0.35 + 0.6 * u()));

  // Per-symbol characteristics.
  const betaM = new Float64Array(N), betaG = new Float64Array(N), price = new Float64Array(N);
  const baseVolume = new Float64Array(N), alpha = new Float64Array(N), alphaTarget = new Float64Array(N);
  const idio: Garch[] = [];
  for (let i = 0; i < N; i++) {
    betaM[i] = 0.6 + 0.8 * u();
    betaG[i] = 0.5 + u();
    price[i] = 8 + 240 * u() * u();
    baseVolume[i] = Math.floor(200_000 + 4_000_000 * u() * u());
    alphaTarget[i] = (u() - 0.5) * 0.0012;
    alpha[i] = alphaTarget[i]!;
    idio.push(new Garch(0.011 + 0.017 * u()));
  }
  const market = new Garch(0.0095, 0.1, 0.87);
  const sectors = groups.map(() => new Garch(0.0065));
  const sectorDrift = groups.map(() => (u() - 0.5) * 0.0004);

  const cells = T * N;
  const nan = () => new Float64Array(cells).fill(NaN);
  const open = nan(), high = nan(), low = nan(), close = nan(), volume = nan();
  const sectorShock = new Float64Array(groups.length);

  for (let t = 0; t < T; t++) {
    const m = 0.00028 + market.next(fatTailed(u));
    for (let g = 0; g < groups.length; g++) sectorShock[g] = sectorDrift[g]! + sectors[g]!.next(fatTailed(u));
    for (let i = 0; i < N; i++) {
      // Draw for every symbol every day, listed or not, so one symbol's window never shifts another's numbers.
      const z = fatTailed(u), jumpDraw = u(), jumpSize = u(), gapShare = u(), hiDraw = normal(u), loDraw = normal(u), volDraw = u(), alphaDraw = normal(u);
      alpha[i] = alpha[i]! + 0.01 * (alphaTarget[i]! - alpha[i]!) + 0.00004 * alphaDraw;
      if (t < firstBar[i]! || t > lastBar[i]!) continue;
      let r = betaM[i]! * m + betaG[i]! * sectorShock[peerIndex[i]!]! + idio[i]!.next(z) + alpha[i]!;
      if (jumpDraw < 0.002) r += (jumpSize < 0.5 ? -1 : 1) * (0.05 + 0.12 * jumpSize);
      if (r < -0.6) r = -0.6;
      const prev = price[i]!;
      const next = t === firstBar[i] ? prev : prev * (1 + r);
      const o = t === firstBar[i] ? prev : prev * (1 + r * (0.2 + 0.4 * gapShare));
      const range = idio[i]!.vol * 0.6;
      const c = t * N + i;
      open[c] = round4(o);
      close[c] = round4(next);
      high[c] = round4(Math.max(o, next) * (1 + range * Math.abs(hiDraw)));
      low[c] = round4(Math.min(o, next) * (1 - Math.min(0.5, range * Math.abs(loDraw))));
      volume[c] = Math.floor(baseVolume[i]! * (0.7 + 0.6 * volDraw) * (1 + Math.abs(r) / 0.02));
      price[i] = next;
    }
  }

  return { days, symbols, names, peerGroups, open, high, low, close, volume, universe: seasonUniverses(spec, days, symbols, names, peerGroups, firstBar, lastBar, u) };
}

function seasonUniverses(
  spec: SampleSpec,
  days: Int32Array,
  symbols: readonly string[],
  names: readonly string[],
  peerGroups: readonly string[],
  firstBar: Int32Array,
  lastBar: Int32Array,
  u: () => number,
): SampleMarket['universe'] {
  const N = symbols.length;
  const firstSeason = yearOf(days[0]!), lastSeason = yearOf(days[days.length - 1]!);
  const turnover = spec.seasonTurnover ?? 0;
  const rows: { season: number; symbol: string; peer_group: string; name: string }[] = [];
  // Start with everything listed on day one except a reserve that joins later.
  const members = new Set<number>();
  const reserve: number[] = [];
  for (let i = 0; i < N; i++) {
    if (firstBar[i] !== 0) continue;
    if (u() < 0.06) reserve.push(i); else members.add(i);
  }
  for (let season = firstSeason; season <= lastSeason; season++) {
    if (season > firstSeason) {
      // Leave: delisted before this season; then a few others at random.
      for (const i of [...members]) if (yearOf(days[lastBar[i]!]!) < season) members.delete(i);
      const candidates = [...members].sort((a, b) => a - b);
      for (let k = 0; k < turnover && candidates.length; k++) {
        const j = Math.floor(u() * candidates.length);
        members.delete(candidates[j]!);
        reserve.push(candidates[j]!);
        candidates.splice(j, 1);
      }
      // Join: last year's new listings, then from the reserve.
      for (let i = 0; i < N; i++) if (firstBar[i]! > 0 && yearOf(days[firstBar[i]!]!) === season - 1) members.add(i);
      reserve.sort((a, b) => a - b);
      for (let k = 0; k < turnover && reserve.length; k++) {
        const j = Math.floor(u() * reserve.length);
        const i = reserve.splice(j, 1)[0]!;
        if (yearOf(days[lastBar[i]!]!) >= season) members.add(i);
      }
    }
    for (const i of [...members].sort((a, b) => a - b)) rows.push({ season, symbol: symbols[i]!, peer_group: peerGroups[i]!, name: names[i]! });
  }
  return rows;
}

/** The market as price rows sorted by (symbol, date), as stored in data/sample. */
export function* sampleRows(market: SampleMarket): Generator<{ symbol: string; day: number; open: number; high: number; low: number; close: number; volume: number }> {
  const T = market.days.length, N = market.symbols.length;
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      const c = t * N + i;
      if (Number.isNaN(market.close[c]!)) continue;
      yield { symbol: market.symbols[i]!, day: market.days[t]!, open: market.open[c]!, high: market.high[c]!, low: market.low[c]!, close: market.close[c]!, volume: market.volume[c]! };
    }
  }
}

/** The whole market as one panel (every symbol a column, in one peer group each), e.g. for benchmarks. */
export function samplePanel(market: SampleMarket, shared = false): Panel {
  const panel = allocatePanel({ days: market.days, symbols: market.symbols, names: market.names, peerGroups: market.peerGroups }, shared);
  panel.open.set(market.open);
  panel.high.set(market.high);
  panel.low.set(market.low);
  panel.close.set(market.close);
  panel.volume.set(market.volume);
  return indexCloses(panel);
}

