import { describe, expect, it } from 'vitest';
import { drawdowns, maxDrawdown, maxDrawdownDays } from '../../src/metrics/drawdown.ts';
import { worstDrawdowns, type DrawdownPeriod } from '../../src/metrics/drawdown-periods.ts';
import { normals } from './series.ts';

/**
 * The second implementation: pyfolio's get_top_drawdowns spelled out over plain arrays — take the deepest
 * remaining day, walk back to the last day at a peak and forward to the first day back, cut that span
 * out, repeat.
 */
function byRemoval(dd: readonly number[], top: number): DrawdownPeriod[] {
  const alive = dd.map(() => true);
  const out: DrawdownPeriod[] = [];
  while (out.length < top) {
    let trough = -1;
    for (let k = 0; k < dd.length; k++) if (alive[k] && dd[k]! < 0 && (trough < 0 || dd[k]! < dd[trough]!)) trough = k;
    if (trough < 0) break;
    let peak = trough;
    while (peak >= 0 && dd[peak]! < 0) peak--;
    let recovery: number | null = trough;
    while (recovery < dd.length && dd[recovery]! < 0) recovery++;
    if (recovery === dd.length) recovery = null;
    const end = recovery ?? dd.length;
    for (let k = peak + 1; k < end; k++) alive[k] = false;
    out.push({ peak, trough, recovery, depth: dd[trough]!, days: recovery === null ? dd.length - 1 - peak : recovery - peak - 1 });
  }
  return out;
}

describe('worst drawdown periods', () => {
  it('by hand: two periods, the second not recovered', () => {
    // equity 100 → 110 → 99 → 110 → 121 → 96.8 → 108.9: peaks 110 (day 0) and 121 (day 3)
    const dd = drawdowns([110, 99, 110, 121, 96.8, 108.9], 100);
    expect(worstDrawdowns(dd)).toEqual([
      { peak: 3, trough: 4, recovery: null, depth: 96.8 / 121 - 1, days: 2 },
      { peak: 0, trough: 1, recovery: 2, depth: 99 / 110 - 1, days: 1 },
    ]);
  });

  it('under water from the first day: the peak is the starting cash (−1)', () => {
    const dd = drawdowns([95, 90, 101], 100);
    expect(worstDrawdowns(dd)).toEqual([{ peak: -1, trough: 1, recovery: 2, depth: 90 / 100 - 1, days: 2 }]);
  });

  it('only the top N, deepest first, the earlier first on equal depth', () => {
    const dd = [0, -0.1, 0, -0.3, 0, -0.1, 0, -0.2, 0];
    expect(worstDrawdowns(dd, 3).map((p) => [p.peak, p.depth])).toEqual([[2, -0.3], [6, -0.2], [0, -0.1]]);
    expect(worstDrawdowns(dd, 0)).toEqual([]);
    expect(worstDrawdowns([0, 0, 0])).toEqual([]);
    expect(worstDrawdowns([])).toEqual([]);
  });

  it('the deepest period\'s depth is max_drawdown; the longest period\'s days are max_drawdown_days', () => {
    const r = normals(31, 2000, 0.0003, 0.012);
    let e = 1e6;
    const equity = Array.from(r, (x) => (e *= 1 + x));
    const dd = drawdowns(equity, 1e6);
    const all = worstDrawdowns(dd, 10_000);
    expect(all[0]!.depth).toBe(maxDrawdown(dd));
    expect(Math.max(...all.map((p) => p.days))).toBe(maxDrawdownDays(dd));
    const underWater = Array.from(dd).filter((x) => x < 0).length;
    expect(all.reduce((s, p) => s + p.days, 0)).toBe(underWater); // periods do not overlap and miss no day
  });

  it('against the pyfolio-style repeated removal on 2,000 random days', () => {
    const r = normals(32, 2000, 0.0002, 0.015);
    let e = 100;
    const dd = Array.from(drawdowns(Array.from(r, (x) => (e *= 1 + x)), 100));
    expect(worstDrawdowns(dd, 10)).toEqual(byRemoval(dd, 10));
  });

  it('against pyfolio\'s get_top_drawdowns on the same series', () => {
    // pyfolio (quantopian/pyfolio commit 4b901f6d73aa02ceb6d04b7d83502e5c6f2e81aa, 0.9.2+75) get_top_drawdowns and
    // get_max_drawdown_underwater from timeseries.py, run with empyrical 0.5.5 and pandas 1.5.3 (no plotting imports):
    //   d = pd.Series([0.01 if k == 0 else ((k * k * 31 + 5 * k) % 97 - 48) / 2000 + 0.0025 for k in range(90)],
    //                 index=pd.bdate_range('2024-01-01', periods=90))
    //   get_top_drawdowns(d, top=10)  → (peak, valley, recovery) as positions, and the underwater value at the valley:
    const PYFOLIO: Array<[number, number, number | null, number]> = [
      [20, 41, 51, -0.09731835606295847],
      [55, 69, 74, -0.04580365423534882],
      [0, 7, 20, -0.04414587291592109],
      [83, 89, null, -0.043376440173467534],
      [81, 82, 83, -0.015000000000000013],
      [77, 78, 79, -0.0024999999999999467],
    ];
    const d = Array.from({ length: 90 }, (_, k) => (k === 0 ? 0.01 : (((k * k * 31 + 5 * k) % 97) - 48) / 2000 + 0.0025));
    let e = 1;
    const dd = drawdowns(d.map((x) => (e *= 1 + x)), 1); // day 0 gains, so the first peak is day 0 in both
    const ours = worstDrawdowns(dd, 10);
    expect(ours.map((p) => [p.peak, p.trough, p.recovery])).toEqual(PYFOLIO.map(([p, v, rec]) => [p, v, rec]));
    ours.forEach((p, k) => expect(p.depth).toBeCloseTo(PYFOLIO[k]![3], 13));
    expect(ours[0]!.days).toBe(51 - 20 - 1); // pyfolio's Duration would count weekdays 20 … 51 inclusive: 32
  });
});
