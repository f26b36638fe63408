import type { Bar } from '../api.ts';
import type { Portfolio } from '../broker/portfolio.ts';
import type { Panel } from '../panel/panel.ts';
import { HistoryView } from '../panel/view.ts';

/** The `Bar` a decision receives: the causal history plus factor rows and the portfolio. */
export class DecisionView extends HistoryView implements Bar {
  decision = 0;
  equity = 0;
  cash = 0;
  private readonly factors: ReadonlyMap<string, Float64Array>;
  private readonly portfolio: Portfolio;
  private readonly scratch: Float64Array;
  private readonly nanFactorRow: Float64Array;

  constructor(panel: Panel, factors: ReadonlyMap<string, Float64Array>, portfolio: Portfolio) {
    super(panel);
    this.factors = factors;
    this.portfolio = portfolio;
    this.scratch = new Float64Array(this.n);
    this.nanFactorRow = new Float64Array(this.n).fill(NaN);
  }

  factor(name: string, lag = 0): Float64Array {
    const values = this.factors.get(name);
    if (!values) {
      const known = [...this.factors.keys()];
      throw new RangeError(`unknown factor "${name}"; this strategy declares ${known.length ? known.join(', ') : 'none'}`);
    }
    if (!(lag >= 0 && Number.isInteger(lag))) throw new RangeError(`lag must be a whole number of bars ≥ 0, got ${lag}`);
    const bar = this.t - lag;
    if (bar < 0) return this.nanFactorRow;
    return values.subarray(bar * this.n, bar * this.n + this.n);
  }

  position(i: number): number {
    return this.portfolio.quantity[i] ?? 0;
  }

  weights(): Float64Array {
    return this.scratch.fill(0);
  }
}
