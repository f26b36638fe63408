import { describe, expect, it } from 'vitest';
import { PriceCheck, rowProblem } from '../../src/panel/check.ts';
import { panelFromRows } from '../../src/panel/from-rows.ts';
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

  it('panelFromRows refuses bad rows and repeated (symbol, date), naming the first and counting the rest', () => {
    const d = (s: string) => parseIsoDate(s)!;
    const members = [{ symbol: 'A', peer_group: 'g' }, { symbol: 'B', peer_group: 'g' }];
    const good = [{ symbol: 'A', day: d('2024-01-02'), close: 10 }, { symbol: 'B', day: d('2024-01-02'), close: 5 }];
    expect(panelFromRows(members, good).close[1]).toBe(5);
    const bad = [...good, { symbol: 'A', day: d('2024-01-03'), close: 0 }, { symbol: 'B', day: d('2024-01-04'), close: -1 }, { symbol: 'B', day: d('2024-01-05'), close: -2 }];
    expect(() => panelFromRows(members, bad, false, { where: 'prices at host' })).toThrow('prices at host: A on 2024-01-03: close 0 (a close must be a positive number) (and 2 more such rows in the window)');
    const twice = [...good, { symbol: 'B', day: d('2024-01-02'), close: 5 }];
    expect(() => panelFromRows(members, twice)).toThrow(/^prices: B on 2024-01-02 appears more than once; each \(symbol, date\) must appear once$/);
    const check = new PriceCheck();
    check.row('X', d('2024-01-01'), { close: 1 });
    expect(() => check.verdict('w')).not.toThrow();
  });
});
