import type { Factor, Field } from '../strategy/types.ts';
import { ExactSum } from './exact-sum.ts';
import { withWhole } from './whole.ts';

/**
 * Simple moving average of `field` over the last `length` bars, as an exact window mean:
 * the window's sum is kept exactly (no drift over thousands of bars) and divided with one
 * rounding, so windows whose true means are equal get equal averages: real prices' exact
 * ties stay ties. NaN until `length` values are present,
 * and while any value in the window is missing.
 *
 * @example bar.factor('fast') // with factors: () => ({ fast: rollingMean(10) })
 */
export function rollingMean(length: number, field: Field = 'close'): Factor {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`rollingMean length must be a positive integer, got ${length}`);
  return withWhole({
    key: `mean(${field},${length})`,
    create({ n }) {
      const sums = Array.from({ length: n }, () => new ExactSum());
      const missing = new Int32Array(n); // missing values inside each symbol's window
      return (history, out) => {
        const now = history.row(field, 0);
        const leaving = history.t >= length ? history.row(field, length) : null;
        const full = history.t >= length - 1;
        for (let i = 0; i < n; i++) {
          const x = now[i]!;
          if (Number.isFinite(x)) sums[i]!.add(x); else missing[i]!++;
          if (leaving) {
            const y = leaving[i]!;
            if (Number.isFinite(y)) sums[i]!.add(-y); else missing[i]!--;
          }
          out[i] = full && missing[i] === 0 ? sums[i]!.mean(length) : NaN;
        }
      };
    },
  }, ({ panel, n, bars, out }) => {
    // The step's arithmetic, symbol by symbol: the same additions in the same order.
    const data = panel[field];
    const sum = new ExactSum();
    for (let i = 0; i < n; i++) {
      sum.reset();
      let missing = 0;
      for (let t = 0, cell = i; t < bars; t++, cell += n) {
        const x = data[cell]!;
        if (Number.isFinite(x)) sum.add(x); else missing++;
        if (t >= length) {
          const y = data[cell - length * n]!;
          if (Number.isFinite(y)) sum.add(-y); else missing--;
        }
        out[cell] = t >= length - 1 && missing === 0 ? sum.mean(length) : NaN;
      }
    }
  });
}
