import { describe, expect, it } from 'vitest';
import { PriceCheck, rowProblem } from '../../src/panel/check.ts';
import { panelFromSeries, type Series } from '../../src/source/supabase/series.ts';
import { parseIsoDate } from '../../src/util/dates.ts';

describe('price rows checked whatever the source', () => {
  it('names what is wrong', () => {
    expect(rowProblem({ close: 10, open: 9, high: 11, low: 8, volume: 5 })).toBeUndefined();
    expect(rowProblem({ close: 10 })).toBeUndefined(); // the other fields may be missing
    expect(rowProblem({ close: 0 })).toBe('close 0 (a close must be a positive number)');
    expect(rowProblem({ close: -5 })).toBe('close -5 (a close must be a positive number)');
    expect(rowProblem({ close: 'NaN' })).toBe('close NaN (a close must be a positive number)'); // how PostgREST sends a NaN
    expect(rowProblem({ close: Infinity })).toMatch(/^close Infinity/);
    expect(rowProblem({ close: 10, open: 0 })).toBe('open 0 (an open must be a positive number, or missing)');
    expect(rowProblem({ close: 10, high: 9, low: 11 })).toBe('high 9 is below low 11');
    expect(rowProblem({ close: 10, volume: -1 })).toBe('volume -1 (a volume must be a number ≥ 0, or missing)');
  });

  it('the Supabase panel (panelFromSeries) refuses bad rows and repeated (symbol, date), naming the first and counting the rest', () => {
    const d = (s: string) => parseIsoDate(s)!;
    const members = [{ symbol: 'A', peer_group: 'g' }, { symbol: 'B', peer_group: 'g' }];
    type Row = { symbol: string; day: number; close: number };
    const build = (rows: Row[], where?: string) => {
      const of = (symbol: string): Series => {
        const mine = rows.filter((r) => r.symbol === symbol);
        const nan = () => Float64Array.from(mine, () => NaN);
        return { days: Int32Array.from(mine, (r) => r.day), open: nan(), high: nan(), low: nan(), close: Float64Array.from(mine, (r) => r.close), volume: nan() };
      };
      return panelFromSeries(members, of, d('2024-01-01'), d('2024-01-31'), false, where ? { where } : {}).panel;
    };
    const good = [{ symbol: 'A', day: d('2024-01-02'), close: 10 }, { symbol: 'B', day: d('2024-01-02'), close: 5 }];
    expect(build(good).close[1]).toBe(5);
    const bad = [...good, { symbol: 'A', day: d('2024-01-03'), close: 0 }, { symbol: 'B', day: d('2024-01-04'), close: -1 }, { symbol: 'B', day: d('2024-01-05'), close: -2 }];
    expect(() => build(bad, 'prices at host')).toThrow('prices at host: A on 2024-01-03: close 0 (a close must be a positive number) (and 2 more such rows in the window)');
    const twice = [...good, { symbol: 'B', day: d('2024-01-02'), close: 5 }];
    expect(() => build(twice)).toThrow(/^prices: B on 2024-01-02 appears more than once; each \(symbol, date\) must appear once$/);
    const check = new PriceCheck();
    check.row('X', d('2024-01-01'), { close: 1 });
    expect(() => check.verdict('w')).not.toThrow();
  });
});
