/**
 * The worst drawdown periods of an equity curve, from its drawdown series (drawdowns() in drawdown.ts:
 * ddₖ = Eₖ / peakₖ − 1 ≤ 0, peakₖ = max(cash, E₀ … Eₖ)). The table pyfolio's gen_drawdown_table shows.
 *
 * 1. Scan the days once: a period starts at the first day under water (dd < 0) after a day at a
 *    peak (dd = 0) and ends at the next day back at a peak (its recovery) or at the last day.
 * 2. Track each period's trough (its lowest dd, the first day of it on ties) as it goes.
 * 3. Keep the `top` deepest periods in a small sorted list (deepest first; on equal depth the
 *    earlier one first).
 *
 * Periods never overlap: each is a maximal run of days under water. This is what pyfolio's
 * get_top_drawdowns finds by repeatedly taking the deepest remaining drawdown and cutting out its
 * peak-to-recovery span, in one pass instead of `top` passes. Differences from pyfolio: our curve can
 * be under water on its first day (the peak is the starting cash, `peak = −1`), and `days` counts the
 * trading days under water, to the last day for a period not recovered (pyfolio's Duration counts
 * weekdays from peak to recovery inclusive, and is empty when not recovered).
 */
export interface DrawdownPeriod {
  /** Day index of the last peak before the fall; −1 when the peak is the starting cash (before the first day). */
  readonly peak: number;
  /** Day index of the lowest point. */
  readonly trough: number;
  /** Day index of the first close back at the peak, or null if the curve had not recovered by its last day. */
  readonly recovery: number | null;
  /** dd at the trough: (trough equity / peak equity) − 1, a negative fraction. */
  readonly depth: number;
  /** Trading days under water: recovery − peak − 1, or (last day − peak) when not recovered. */
  readonly days: number;
}

/**
 * The `top` (default 5) deepest drawdown periods, deepest first.
 *
 * @example worstDrawdowns([0, -0.1, 0, -0.2, -0.05], 2)
 * // [{ peak: 2, trough: 3, recovery: null, depth: −0.2, days: 2 }, { peak: 0, trough: 1, recovery: 2, depth: −0.1, days: 1 }]
 */
export function worstDrawdowns(drawdown: ArrayLike<number>, top = 5): DrawdownPeriod[] {
  const worst: DrawdownPeriod[] = [];
  const n = drawdown.length;
  let peak = -1, trough = -1, depth = 0, under = false;
  for (let k = 0; k < n; k++) {
    const dd = drawdown[k]!;
    if (dd < 0) {
      if (!under) {
        under = true;
        peak = k - 1;
        trough = k;
        depth = dd;
      } else if (dd < depth) {
        trough = k;
        depth = dd;
      }
    } else if (under) {
      under = false;
      keep(worst, top, { peak, trough, recovery: k, depth, days: k - peak - 1 });
    }
  }
  if (under) keep(worst, top, { peak, trough, recovery: null, depth, days: n - 1 - peak });
  return worst;
}

/** Inserts `period` into the sorted list `worst` (deepest first, earlier first on ties), at most `top` long. */
function keep(worst: DrawdownPeriod[], top: number, period: DrawdownPeriod): void {
  if (top <= 0) return;
  if (worst.length === top && period.depth >= worst[top - 1]!.depth) return; // later periods lose ties
  let k = worst.length === top ? top - 1 : worst.length;
  worst[k] = period;
  while (k > 0 && worst[k - 1]!.depth > period.depth) {
    worst[k] = worst[k - 1]!;
    worst[k - 1] = period;
    k--;
  }
}
