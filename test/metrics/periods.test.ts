import { describe, expect, it } from 'vitest';
import { yearlyReturns, yearlyTable } from '../../src/metrics/periods.ts';
import { parseIsoDate, yearOf } from '../../src/util/dates.ts';
import { businessDates } from '../support/panel.ts';
import { near, normals } from './series.ts';

const days = (...iso: string[]) => iso.map((d) => parseIsoDate(d)!);

describe('yearly returns', () => {
  it('by hand: compounded within each calendar year, a year without days left out', () => {
    const d = days('2024-12-30', '2024-12-31', '2026-01-01', '2026-01-02');
    const out = yearlyReturns([0.1, -0.1, 0.1, -0.5], d);
    expect(out.map((y) => y.year)).toEqual([2024, 2026]);
    expect(out[0]!.value).toBeCloseTo(1.1 * 0.9 - 1, 15);
    expect(out[1]!.value).toBeCloseTo(1.1 * 0.5 - 1, 15);
  });

  it('the year turns at 1 January, also across leap years and far dates', () => {
    const d = days('1999-12-31', '2000-01-01', '2000-12-31', '2001-01-01', '2100-02-28', '2100-03-01');
    expect(yearlyReturns([0, 0, 0, 0, 0, 0], d).map((y) => y.year)).toEqual([1999, 2000, 2001, 2100]);
  });

  it('against grouping by yearOf over 1,500 business days', () => {
    const dates = businessDates('2019-03-04', 1500).map((s) => parseIsoDate(s)!);
    const r = normals(41, 1500, 0.0003, 0.01);
    const byYear = new Map<number, number>();
    dates.forEach((day, k) => byYear.set(yearOf(day), (byYear.get(yearOf(day)) ?? 1) * (1 + r[k]!)));
    const out = yearlyReturns(r, dates);
    expect(out.map((y) => y.year)).toEqual([...byYear.keys()]);
    out.forEach((y) => expect(near(y.value, byYear.get(y.year)! - 1, 1e-13)).toBe(true));
    // the years compound back to the whole
    const whole = r.reduce((g, x) => g * (1 + x), 1);
    expect(near(out.reduce((g, y) => g * (1 + y.value), 1), whole, 1e-12)).toBe(true);
  });

  it('the table sets the benchmark beside the strategy; nothing for no days', () => {
    const d = days('2024-12-31', '2025-01-02');
    const table = yearlyTable([0.1, 0.2], [0.01, -0.02], d);
    expect(table.map((y) => y.year)).toEqual([2024, 2025]);
    expect(table[0]!.strategy).toBeCloseTo(0.1, 15);
    expect(table[0]!.benchmark).toBeCloseTo(0.01, 15);
    expect(table[1]!.strategy).toBeCloseTo(0.2, 15);
    expect(table[1]!.benchmark).toBeCloseTo(-0.02, 15);
    expect(yearlyReturns([], [])).toEqual([]);
  });
});
