/** gross_exposure = mean over days of Σ |shares × close| / equity. */
export function grossExposure(gross: ArrayLike<number>, equity: ArrayLike<number>): number | null {
  if (equity.length === 0) return null;
  let s = 0;
  for (let k = 0; k < equity.length; k++) s += gross[k]! / equity[k]!;
  return s / equity.length;
}

/*
 * The book's exposure from per-day arrays the simulation records at each close (equity.csv's columns):
 * E equity, gross = Σ |shares × close|, net = Σ shares × close, positions = the number of columns held.
 * The ratios need E > 0 on every day: a curve that reached E ≤ 0 (a ruined run) gets null.
 */

/** True when every equity value is positive (and there is at least one). */
function solvent(equity: ArrayLike<number>): boolean {
  if (equity.length === 0) return false;
  for (let k = 0; k < equity.length; k++) if (!(equity[k]! > 0)) return false;
  return true;
}

/** avg_net_exposure = mean over days of net / E (1 fully long, 0 market-neutral, −1 fully short). */
export function avgNetExposure(net: ArrayLike<number>, equity: ArrayLike<number>): number | null {
  if (!solvent(equity)) return null;
  let s = 0;
  for (let k = 0; k < equity.length; k++) s += net[k]! / equity[k]!;
  return s / equity.length;
}

/** max_gross_exposure = max over days of gross / E (the most leverage the book carried at a close). */
export function maxGrossExposure(gross: ArrayLike<number>, equity: ArrayLike<number>): number | null {
  if (!solvent(equity)) return null;
  let most = 0;
  for (let k = 0; k < equity.length; k++) {
    const g = gross[k]! / equity[k]!;
    if (g > most) most = g;
  }
  return most;
}

/** avg_positions = mean over days of the number of positions held at the close; null when empty. */
export function avgPositions(positions: ArrayLike<number>): number | null {
  if (positions.length === 0) return null;
  let s = 0;
  for (let k = 0; k < positions.length; k++) s += positions[k]!;
  return s / positions.length;
}
