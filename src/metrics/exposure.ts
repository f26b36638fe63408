/** gross_exposure = mean over days of Σ |shares × close| / equity. */
export function grossExposure(gross: ArrayLike<number>, equity: ArrayLike<number>): number | null {
  if (equity.length === 0) return null;
  let s = 0;
  for (let k = 0; k < equity.length; k++) s += gross[k]! / equity[k]!;
  return s / equity.length;
}
