import type { Field, History } from '../strategy/types.ts';
import { eligibility, type Eligibility } from './eligibility.ts';
import type { Panel } from './panel.ts';

/**
 * The causal window on a panel: everything at or before bar `t`, nothing after.
 * One instance per run is moved forward by the engine (`at(t)`), so reading it costs no
 * allocation per bar beyond the row views handed out. A negative or fractional lag is a
 * programming error in the strategy and throws.
 */
export class HistoryView implements History {
  t = -1;
  date = '';
  readonly n: number;
  readonly symbols: readonly string[];
  readonly groups: readonly string[];
  /** Peer groups of a decision at t (its fill day's season; −1: not a member that season). */
  groupOf: Int32Array;
  /** 1 where a decision at t may hold symbol i (a member on its fill day). */
  member: Uint8Array;
  season = 0;
  protected readonly panel: Panel;
  readonly eligibility: Eligibility;
  private readonly nanRow: Float64Array;
  private symbolIndexes: Map<string, number> | undefined;

  /** `universe`: the run's eligibility (default: next-open fills). */
  constructor(panel: Panel, universe: Eligibility = eligibility(panel, 'open')) {
    this.panel = panel;
    this.eligibility = universe;
    this.n = panel.symbols.length;
    this.symbols = panel.symbols;
    this.groups = panel.groups;
    const span = universe.span(0);
    this.groupOf = span.groupOf;
    this.season = span.season;
    this.member = universe.mask.subarray(0, this.n);
    this.nanRow = new Float64Array(this.n).fill(NaN);
  }

  /** Moves the window to end at bar t. */
  at(t: number): this {
    this.t = t;
    this.date = this.panel.dates[t]!;
    const span = this.eligibility.span(t);
    this.groupOf = span.groupOf;
    this.season = span.season;
    if (!this.eligibility.all) this.member = this.eligibility.mask.subarray(t * this.n, t * this.n + this.n);
    return this;
  }

  row(field: Field, lag = 0): Float64Array {
    const bar = this.t - checkLag(lag);
    if (bar < 0) return this.nanRow;
    const n = this.n;
    return this.panel[field].subarray(bar * n, bar * n + n);
  }

  close(i: number, lag = 0): number { return this.value(this.panel.close, i, lag); }
  open(i: number, lag = 0): number { return this.value(this.panel.open, i, lag); }
  high(i: number, lag = 0): number { return this.value(this.panel.high, i, lag); }
  low(i: number, lag = 0): number { return this.value(this.panel.low, i, lag); }
  volume(i: number, lag = 0): number { return this.value(this.panel.volume, i, lag); }

  symbolIndex(symbol: string): number {
    this.symbolIndexes ??= new Map(this.symbols.map((s, i) => [s, i]));
    return this.symbolIndexes.get(symbol) ?? -1;
  }

  private value(data: Float64Array, i: number, lag: number): number {
    const bar = this.t - checkLag(lag);
    if (bar < 0 || i < 0 || i >= this.n) return NaN;
    return data[bar * this.n + i]!;
  }
}

/** A lag is a whole number of bars back, never forward. */
export function checkLag(lag: number): number {
  if (lag >= 0 && Number.isInteger(lag)) return lag;
  throw new RangeError(`lag must be a whole number of bars ≥ 0 (the future is not visible), got ${lag}`);
}
