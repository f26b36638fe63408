/**
 * Returns compounded over calendar years: yearly_return = Π (1 + rₖ) − 1 over the days k of each year
 * in the range (the first and last years only over the days the range has). The table of yearly
 * returns beside the benchmark's (pyfolio's annual returns chart, quantstats' EOY returns).
 */

const MS_PER_DAY = 86_400_000;

/** One calendar year's compounded return. */
export interface YearReturn {
  readonly year: number;
  readonly value: number;
}

/**
 * Yearly compounded returns of daily returns whose days are `days` (day numbers: days since
 * 1970-01-01, ascending, as the panel's calendar), one entry per calendar year present.
 * No allocation per day: a year's end is computed once per year.
 *
 * @example yearlyReturns([0.1, 0.1, -0.5], [20088, 20454, 20455]) // 2024-12-31, 2026-01-01, 2026-01-02
 * // [{ year: 2024, value: 0.1 }, { year: 2026, value: 1.1 × 0.5 − 1 = −0.45 }]
 */
export function yearlyReturns(returns: ArrayLike<number>, days: ArrayLike<number>): YearReturn[] {
  const out: YearReturn[] = [];
  let year = 0, nextYear = -Infinity, growth = 1;
  for (let k = 0; k < returns.length; k++) {
    const day = days[k]!;
    if (day >= nextYear) {
      if (k > 0) out.push({ year, value: growth - 1 });
      year = new Date(day * MS_PER_DAY).getUTCFullYear();
      nextYear = Date.UTC(year + 1, 0, 1) / MS_PER_DAY;
      growth = 1;
    }
    growth *= 1 + returns[k]!;
  }
  if (returns.length > 0) out.push({ year, value: growth - 1 });
  return out;
}

/** One row of the yearly table: the strategy's and the benchmark's return in a calendar year. */
export interface YearRow {
  readonly year: number;
  readonly strategy: number;
  readonly benchmark: number;
}

/** The strategy's yearly returns beside the benchmark's, over the same days (r, b and days equally long). */
export function yearlyTable(r: ArrayLike<number>, b: ArrayLike<number>, days: ArrayLike<number>): YearRow[] {
  const s = yearlyReturns(r, days), m = yearlyReturns(b, days);
  return s.map((y, k) => ({ year: y.year, strategy: y.value, benchmark: m[k]!.value }));
}
