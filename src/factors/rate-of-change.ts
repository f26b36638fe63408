import type { Factor } from '../strategy/types.ts';

/** Rate of change over L bars: close(t) / close(t − L) − 1; NaN when either close is missing. */
export function rateOfChange(lookback: number): Factor {
  if (!Number.isInteger(lookback) || lookback < 1) throw new RangeError(`lookback must be an integer ≥ 1, got ${lookback}`);
  return {
    key: `roc(${lookback})`,
    create({ n }) {
      return (history, out) => {
        const now = history.row('close', 0);
        const then = history.row('close', lookback);
        for (let i = 0; i < n; i++) out[i] = now[i]! / then[i]! - 1;
      };
    },
  };
}
