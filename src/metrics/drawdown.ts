/**
 * Drawdown at each close: Eₖ / peakₖ − 1 (≤ 0), where peakₖ = max(cash, E₀ … Eₖ).
 */
export function drawdowns(equity: ArrayLike<number>, startCash: number): Float64Array {
  const dd = new Float64Array(equity.length);
  let peak = startCash;
  // Stryker disable next-line EqualityOperator: equivalent: one step past the end reads undefined and writes nowhere
  for (let k = 0; k < equity.length; k++) {
    const e = equity[k]!;
    // Stryker disable next-line EqualityOperator: equivalent: a new peak equal to the old one is the same peak
    if (e > peak) peak = e;
    dd[k] = e / peak - 1;
  }
  return dd;
}

/** max_drawdown = min over days of the drawdown (a fraction ≤ 0; −0.25 is a 25 % fall from a peak). */
export function maxDrawdown(drawdown: ArrayLike<number>): number | null {
  if (drawdown.length === 0) return null;
  let worst = 0;
  // Stryker disable next-line EqualityOperator: equivalent: past the end reads undefined (never below), and an equal worst is the same worst
  for (let k = 0; k < drawdown.length; k++) if (drawdown[k]! < worst) worst = drawdown[k]!;
  return worst;
}

/** max_drawdown_days = the longest run of consecutive trading days with equity below its previous peak. */
export function maxDrawdownDays(drawdown: ArrayLike<number>): number {
  let longest = 0, run = 0;
  // Stryker disable next-line EqualityOperator: equivalent: one step past the end reads undefined and ends the run at 0
  for (let k = 0; k < drawdown.length; k++) {
    run = drawdown[k]! < 0 ? run + 1 : 0;
    // Stryker disable next-line EqualityOperator: equivalent: an equal run is the same length
    if (run > longest) longest = run;
  }
  return longest;
}
