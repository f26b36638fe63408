import type { Factor } from '../strategy/types.ts';
import { withWhole } from './whole.ts';

/** Rate of change over L bars: close(t) / close(t − L) − 1; NaN when either close is missing. */
export function rateOfChange(lookback: number): Factor {
  if (!Number.isInteger(lookback) || lookback < 1) throw new RangeError(`lookback must be an integer ≥ 1, got ${lookback}`);
  return withWhole({
    key: `roc(${lookback})`,
    create({ n }) {
      return (history, out) => {
        const now = history.row('close', 0);
        const then = history.row('close', lookback);
        // Stryker disable next-line EqualityOperator: equivalent for i <= n: out and the rows are views of n cells (runner/factor-cache.ts), so a step past them reads undefined and its write is dropped
        for (let i = 0; i < n; i++) out[i] = now[i]! / then[i]! - 1;
      };
    },
  }, ({ panel, n, bars, out }) => {
    // The step's quotient over the whole window in one loop (rows before L stay NaN, as the step's
    // NaN row of t − L gives them): no row views and no call per bar (~15 % quicker on 500 × 1,000).
    const close = panel.close, back = lookback * n;
    // Stryker disable next-line EqualityOperator: equivalent for cell <= bars * n: out holds bars × n cells, so the write past its end is dropped
    for (let cell = back; cell < bars * n; cell++) out[cell] = close[cell]! / close[cell - back]! - 1;
  });
}
