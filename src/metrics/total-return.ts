/** total_return = final equity / starting cash − 1. */
export function totalReturn(equity: ArrayLike<number>, startCash: number): number | null {
  return equity.length ? equity[equity.length - 1]! / startCash - 1 : null;
}
