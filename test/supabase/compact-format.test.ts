import { describe, expect, it } from 'vitest';
import { CompactCutError, CompactShapeError, decodeWindow } from '../../src/source/supabase/compact-format.ts';
import { DataError } from '../../src/errors.ts';

/**
 * Format vopa-window-1 of backtest_prices_window, written here from its description in the
 * migration (an independent encoder): numbers as Postgres writes them with extra_float_digits
 * (the shortest text that reads back as the same double: here String(x), which is the same
 * shortest text), null for a missing value, NaN and ±Infinity as strings.
 */
interface Sym { s: string; rev: string | null; d: number[]; fields: (number | null)[][]; m: number[]; r: string[] }

function pgNumber(x: number | null): string {
  if (x === null) return 'null';
  if (!Number.isFinite(x)) return `"${x}"`;
  return Object.is(x, -0) ? '-0' : String(x);
}

function encode(symbols: Sym[], format = 'vopa-window-1', tracked = true): Uint8Array {
  const sym = (x: Sym) => `{"s" : ${JSON.stringify(x.s)}, "rev" : ${x.rev === null ? 'null' : `"${x.rev}"`}, "d" : [${x.d.join(',')}], `
    + ['o', 'h', 'l', 'c', 'v'].map((k, i) => `"${k}" : [${x.fields[i]!.map(pgNumber).join(',')}]`).join(', ')
    + `, "m" : [${x.m.join(',')}], "r" : [${x.r.map((r) => `"${r}"`).join(',')}]}`;
  return new TextEncoder().encode(`{"format" : "${format}", "tracked" : ${tracked}, "symbols" : [${symbols.map(sym).join(', ')}]}`);
}

const A: Sym = {
  s: 'AAA', rev: '4000000000123', d: [20_000, 20_001, 20_004],
  fields: [[1.5, null, 2.5], [0.1 + 0.2, 5e-324, 1.7976931348623157e308], [-0, null, Infinity], [10, 11, 12], [1e6, -Infinity, 2 ** 52 + 1]],
  m: [19_996, 20_027], r: ['77', '4000000000123'],
};
const B: Sym = { s: 'Ｚü😀', rev: null, d: [], fields: [[], [], [], [], []], m: [], r: [] };

describe('the compact window (format vopa-window-1)', () => {
  it('decodes every value bit for bit (-0, subnormals, ±Infinity, missing as NaN), dates, revisions, a symbol with no rows', () => {
    const { tracked, symbols } = decodeWindow(encode([A, B]), ['AAA', 'Ｚü😀'], 19_990, 20_100);
    expect(tracked).toBe(true);
    const [a, b] = symbols;
    expect(Array.from(a!.series.days)).toEqual(A.d);
    (['open', 'high', 'low', 'close', 'volume'] as const).forEach((f, k) => {
      expect(Array.from(a!.series[f])).toEqual(A.fields[k]!.map((v) => (v === null ? NaN : v)));
    });
    expect(Object.is(a!.series.low[0], -0)).toBe(true);
    expect([a!.series.high[1], a!.series.high[0], a!.series.volume[2]]).toEqual([5e-324, 0.30000000000000004, 4503599627370497]);
    expect(a!.revision).toBe('4000000000123');
    expect([...a!.months]).toEqual([[19_996, '77'], [20_027, '4000000000123']]);
    expect(b).toMatchObject({ symbol: 'Ｚü😀', revision: null });
    expect(b!.series.days).toHaveLength(0);
    expect(decodeWindow(encode([A], undefined, false), ['AAA'], 0, 1e6).tracked).toBe(false);
  });

  it("Postgres's NaN is bad input naming the symbol, day and field (a series cannot tell it from a missing value)", () => {
    const body = encode([{ ...A, fields: [[1.5, null, 2.5], [0.1, 0.2, 0.3], [1, NaN, 2], [10, 11, 12], [1, 2, 3]] }]);
    expect(() => decodeWindow(body, ['AAA'], 19_990, 20_100, 'prices at host')).toThrow(DataError);
    expect(() => decodeWindow(body, ['AAA'], 19_990, 20_100, 'prices at host')).toThrow('prices at host: AAA on 2024-10-05: low "NaN" (not a number; a missing value is null)');
  });

  it('a body cut anywhere is a cut, never data', () => {
    const whole = encode([A, B]);
    for (let end = 0; end < whole.length; end++) {
      expect(() => decodeWindow(whole.subarray(0, end), ['AAA', 'Ｚü😀'], 19_990, 20_100), `cut at byte ${end} of ${whole.length}`).toThrow(CompactCutError);
    }
  });

  it('another format, a symbol not asked for, twice or missing, arrays of other lengths, dates out of order or range, a value not a number: a shape error naming the migration', () => {
    const cases: [Uint8Array, string[]][] = [
      [encode([A], 'vopa-window-2'), ['AAA']],
      [new TextEncoder().encode('[]'), ['AAA']],
      [new TextEncoder().encode('"\\\\x564f50415058310a"'), ['AAA']],
      [encode([A]), ['BBB']],
      [encode([A, A]), ['AAA', 'CCC']],
      [encode([A]), ['AAA', 'CCC']],
      [encode([{ ...A, d: [20_001, 20_000, 20_004] }]), ['AAA']],
      [encode([{ ...A, d: [20_000, 20_001] }]), ['AAA']],
      [encode([{ ...A, r: ['77'] }]), ['AAA']],
      [new TextEncoder().encode(new TextDecoder().decode(encode([A])).replace('[10,11,12]', '[10,"11",12]')), ['AAA']],
    ];
    for (const [body, asked] of cases) {
      expect(() => decodeWindow(body, asked, 19_990, 20_100)).toThrow(CompactShapeError);
      expect(() => decodeWindow(body, asked, 19_990, 20_100)).toThrow(/apply supabase\/migrations\/20250103000000_compact_reads\.sql, then supabase\/migrations\/20261130000000_window_one_sort\.sql, to the project/);
    }
    expect(() => decodeWindow(encode([A]), ['AAA'], 20_001, 20_100)).toThrow(/outside the range/);
  });

  it('dates out of order or repeated are refused, naming the symbol and the two days, never put in order', () => {
    // The one-sort body's order rests on how Postgres executes it: every answer is checked.
    const swapped = { ...A, d: [20_000, 20_004, 20_001] };
    expect(() => decodeWindow(encode([B, swapped]), ['AAA', 'Ｚü😀'], 19_990, 20_100)).toThrow(CompactShapeError);
    expect(() => decodeWindow(encode([B, swapped]), ['AAA', 'Ｚü😀'], 19_990, 20_100)).toThrow(
      'backtest_prices_window answered in another shape (AAA: dates out of order, 2024-10-05 after 2024-10-08); apply supabase/migrations/20250103000000_compact_reads.sql, then supabase/migrations/20261130000000_window_one_sort.sql, to the project (this vopa-backtest reads vopa-window-1)',
    );
    expect(() => decodeWindow(encode([{ ...A, d: [20_000, 20_001, 20_001] }]), ['AAA'], 19_990, 20_100)).toThrow('AAA: dates out of order, 2024-10-05 after 2024-10-05');
  });
});
