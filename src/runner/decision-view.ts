import type { Bar } from '../strategy/types.ts';
import type { Portfolio } from '../broker/portfolio.ts';
import type { Eligibility } from '../panel/eligibility.ts';
import type { Panel } from '../panel/panel.ts';
import { checkLag, HistoryView } from '../panel/view.ts';

/** The `Bar` a decision receives: the causal history plus factor rows and the portfolio. */
export class DecisionView extends HistoryView implements Bar {
  decision = 0;
  equity = 0;
  cash = 0;
  // Factor names and values side by side: a strategy asks for a handful by literal name on every
  // bar, and a scan comparing interned strings beats a Map lookup there.
  private readonly factorNames: readonly string[];
  private readonly factorValues: readonly Float64Array[];
  private readonly portfolio: Portfolio;
  private readonly scratch: Float64Array;
  private readonly nanFactorRow: Float64Array;

  /** The rows a strategy deciding every R bars may read (its decision bars), or undefined: any row. */
  private readonly rows: Uint8Array | undefined;

  constructor(panel: Panel, factors: ReadonlyMap<string, Float64Array>, portfolio: Portfolio, universe?: Eligibility, rows?: Uint8Array) {
    super(panel, universe);
    this.rows = rows;
    this.factorNames = [...factors.keys()];
    this.factorValues = [...factors.values()];
    this.portfolio = portfolio;
    this.scratch = new Float64Array(this.n);
    this.nanFactorRow = new Float64Array(this.n).fill(NaN);
  }

  factor(name: string, lag = 0): Float64Array {
    const values = this.values(name);
    const bar = this.t - checkLag(lag);
    if (bar < 0) return this.nanFactorRow;
    if (this.rows !== undefined && this.rows[bar] !== 1) this.offRow(name, lag);
    return values.subarray(bar * this.n, bar * this.n + this.n);
  }

  factorValue(name: string, i: number, lag = 0): number {
    const values = this.values(name);
    const bar = this.t - checkLag(lag);
    if (bar < 0) return NaN;
    if (this.rows !== undefined && this.rows[bar] !== 1) this.offRow(name, lag);
    if (i < 0 || i >= this.n) return NaN;
    return values[bar * this.n + i]!;
  }

  /** A lag that lands off the decision bars of a strategy that declares `every`: its row is not computed. */
  private offRow(name: string, lag: number): never {
    throw new RangeError(`factor "${name}" at lag ${lag} lands between decision bars: a strategy that declares every(R) reads its factors on its decision bars only (lags that are multiples of R, from its first decision on)`);
  }

  private values(name: string): Float64Array {
    const names = this.factorNames;
    for (let k = 0; k < names.length; k++) if (names[k] === name) return this.factorValues[k]!;
    throw new RangeError(`unknown factor "${name}"; this strategy declares ${names.length ? names.join(', ') : 'none'}`);
  }

  position(i: number): number {
    return this.portfolio.quantity[i] ?? 0;
  }

  weights(): Float64Array {
    return this.scratch.fill(0);
  }
}
