/** calmar = cagr / |max_drawdown|; null without a drawdown. */
export function calmar(cagr: number | null, maxDrawdown: number | null): number | null {
  return cagr === null || !maxDrawdown ? null : cagr / Math.abs(maxDrawdown);
}
