/**
 * Textbook oracles for the rank-correlation tests, written the obvious way (quadratic, plain arrays),
 * independent of src/metrics/spearman.ts.
 */

/** Average ranks, 1-based (scipy.stats.rankdata('average')): 1 + #smaller + (#equal − 1) / 2. */
export function textbookRanks(v: ArrayLike<number>, n = v.length): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let smaller = 0, equal = 0;
    for (let j = 0; j < n; j++) {
      if (v[j]! < v[i]!) smaller++;
      else if (v[j] === v[i]) equal++;
    }
    out.push(1 + smaller + (equal - 1) / 2);
  }
  return out;
}

/** Pearson's correlation, two-pass; null below 2 points or for a constant side. */
export function textbookPearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < n; k++) { sxy += (x[k]! - mx) * (y[k]! - my); sxx += (x[k]! - mx) ** 2; syy += (y[k]! - my) ** 2; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
