import { describe, expect, it } from 'vitest';
import { decodePacked, PackedCutError, PackedShapeError } from '../../src/source/supabase/packed.ts';

/**
 * Format 1 of backtest_prices_window, written here from its description in the migration (an
 * independent encoder): big-endian, 'VOPAPX1\n', int4 flags, int4 symbols, then per symbol
 * int4 name bytes, name, int4 n, int4 m, int8 revision, n int4 days, 5 × n float8, m int4 months, m int8 revisions.
 */
interface Sym { name: string; days: number[]; fields: number[][]; revision: bigint; months: [number, bigint][] }

function encode(symbols: Sym[], flags = 1, magic = 'VOPAPX1\n'): Uint8Array {
  const parts: number[] = [];
  const bytes = (b: ArrayBuffer) => parts.push(...new Uint8Array(b));
  const int4 = (v: number) => { const b = new ArrayBuffer(4); new DataView(b).setInt32(0, v); bytes(b); };
  const int8 = (v: bigint) => { const b = new ArrayBuffer(8); new DataView(b).setBigInt64(0, v); bytes(b); };
  const float8 = (v: number) => { const b = new ArrayBuffer(8); new DataView(b).setFloat64(0, v); bytes(b); };
  parts.push(...new TextEncoder().encode(magic));
  int4(flags);
  int4(symbols.length);
  for (const s of symbols) {
    const name = new TextEncoder().encode(s.name);
    int4(name.length);
    parts.push(...name);
    int4(s.days.length);
    int4(s.months.length);
    int8(s.revision);
    s.days.forEach(int4);
    for (const f of s.fields) f.forEach(float8);
    s.months.forEach(([m]) => int4(m));
    s.months.forEach(([, r]) => int8(r));
  }
  return Uint8Array.from(parts);
}

const A: Sym = {
  name: 'AAA', days: [20_000, 20_001, 20_004],
  fields: [[1.5, NaN, 2.5], [0.1 + 0.2, 5e-324, 1.7976931348623157e308], [-0, 1, 2], [10, 11, 12], [1e6, NaN, 3e6]],
  revision: 4_000_000_000_123n, months: [[19_996, 77n], [20_027, 4_000_000_000_123n]],
};
const B: Sym = { name: 'Ｚü😀', days: [], fields: [[], [], [], [], []], revision: 0n, months: [] };

describe('the packed window (format 1)', () => {
  it('decodes every value bit for bit, dates, revisions, and a symbol with no rows', () => {
    const { tracked, symbols } = decodePacked(encode([A, B]), ['AAA', 'Ｚü😀'], 19_990, 20_100);
    expect(tracked).toBe(true);
    const [a, b] = symbols;
    expect(Array.from(a!.series.days)).toEqual(A.days);
    (['open', 'high', 'low', 'close', 'volume'] as const).forEach((f, k) => {
      // Bits, not values: -0 and NaN compare by Object.is.
      expect(Array.from(a!.series[f])).toEqual(A.fields[k]);
    });
    expect(Object.is(a!.series.low[0], -0)).toBe(true);
    expect(a!.series.high[1]).toBe(5e-324);
    expect(a!.revision).toBe('4000000000123');
    expect([...a!.months]).toEqual([[19_996, '77'], [20_027, '4000000000123']]);
    expect(b).toMatchObject({ symbol: 'Ｚü😀', revision: null });
    expect(b!.series.days).toHaveLength(0);
    expect(decodePacked(encode([A], 0), ['AAA'], 0, 1e6).tracked).toBe(false);
  });

  it('a body cut anywhere is a cut, never data', () => {
    const whole = encode([A, B]);
    for (let end = 0; end < whole.length; end++) {
      let outcome: unknown;
      try {
        outcome = decodePacked(whole.subarray(0, end), ['AAA', 'Ｚü😀'], 19_990, 20_100);
      } catch (err) {
        outcome = err;
      }
      // A cut inside the first symbol's name can leave bytes that decode as another, unasked name: a shape error then; never data.
      expect(outcome instanceof PackedCutError || outcome instanceof PackedShapeError, `cut at byte ${end} of ${whole.length}`).toBe(true);
      if (end < 40) expect(outcome, `cut at byte ${end}`).toBeInstanceOf(PackedCutError);
    }
  });

  it('another format, bytes left over, a symbol not asked for or twice, or missing, dates out of order or range: a shape error naming the migration', () => {
    const cases: [Uint8Array, string[]][] = [
      [encode([A], 1, 'VOPAPX2\n'), ['AAA']],
      [Uint8Array.from([...encode([A]), 0]), ['AAA']],
      [encode([A]), ['BBB']],
      [encode([A, A]), ['AAA', 'CCC']],
      [encode([A]), ['AAA', 'CCC']],
      [encode([{ ...A, days: [20_001, 20_000, 20_004] }]), ['AAA']],
      [new TextEncoder().encode('{"message":"not packed"}'), ['AAA']],
    ];
    for (const [body, asked] of cases) {
      expect(() => decodePacked(body, asked, 19_990, 20_100)).toThrow(PackedShapeError);
      expect(() => decodePacked(body, asked, 19_990, 20_100)).toThrow(/supabase\/migrations\/20250103000000_compact_reads\.sql/);
    }
    expect(() => decodePacked(encode([A]), ['AAA'], 20_001, 20_100)).toThrow(/outside the range/);
  });
});
