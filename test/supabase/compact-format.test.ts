import { describe, expect, it } from 'vitest';
import { CompactCutError, CompactShapeError, decodeWindow } from '../../src/source/supabase/compact-format.ts';
import { DataError } from '../../src/errors.ts';
import { mulberry32 } from '../support/random.ts';

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

/** What a shape error asks to apply: the four migrations, in order. */
const APPLY = /apply supabase\/migrations\/20250103000000_compact_reads\.sql, then supabase\/migrations\/20261130000000_window_one_sort\.sql, then supabase\/migrations\/20261201000000_window_scaled\.sql, then supabase\/migrations\/20261202000000_window_packed\.sql, to the project/;

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
    expect(() => decodeWindow(body, ['AAA'], 19_990, 20_100)).toThrow(/^prices: AAA on 2024-10-05: low "NaN"/);
  });

  it('a body cut anywhere is a cut, never data', () => {
    const whole = encode([A, B]);
    for (let end = 0; end < whole.length; end++) {
      expect(() => decodeWindow(whole.subarray(0, end), ['AAA', 'Ｚü😀'], 19_990, 20_100), `cut at byte ${end} of ${whole.length}`).toThrow(CompactCutError);
    }
  });

  it('another format, a symbol not asked for, twice or missing, arrays of other lengths, dates out of order or range, a value not a number: a shape error naming the migration and what is wrong', () => {
    const text = new TextDecoder().decode(encode([A]));
    const edit = (from: string, to: string) => {
      expect(text).toContain(from);
      return new TextEncoder().encode(text.replace(from, to));
    };
    // Each body is wrong in one way only, and the error says which: a check that stopped looking would let it through, or name another.
    const cases: [Uint8Array, string[], string][] = [
      [encode([A], 'vopa-window-2'), ['AAA'], '(format "vopa-window-2", not vopa-window-1)'],
      [new TextEncoder().encode('[]'), ['AAA'], '(no format, not vopa-window-1)'],
      [new TextEncoder().encode('{"format" : null}'), ['AAA'], '(format null, not vopa-window-1)'],
      [new TextEncoder().encode('null'), ['AAA'], '(no format, not vopa-window-1)'],
      [new TextEncoder().encode('"\\\\x564f50415058310a"'), ['AAA'], '(no format, not vopa-window-1)'],
      [edit('"tracked" : true', '"tracked" : "true"'), ['AAA'], '(tracked or symbols missing)'],
      [new TextEncoder().encode('{"format" : "vopa-window-1", "tracked" : true, "symbols" : {}}'), ['AAA'], '(tracked or symbols missing)'],
      [encode([A]), ['BBB'], '(symbol "AAA" not asked for)'],
      [encode([A, A]), ['AAA', 'CCC'], '(symbol "AAA" twice)'],
      [edit('"s" : "AAA"', '"s" : 7'), ['AAA'], '(symbol 7 not asked for)'],
      [new TextEncoder().encode('{"format" : "vopa-window-1", "tracked" : true, "symbols" : [null]}'), ['AAA'], '(symbol undefined not asked for)'],
      [encode([A]), ['AAA', 'CCC', 'DDD'], '(2 symbol(s) asked for are missing)'],
      [edit('"d" : [20000,20001,20004]', '"d" : {}'), ['AAA'], '(the arrays of AAA)'],
      [edit('"m" : [19996,20027]', '"m" : "19996"'), ['AAA'], '(the arrays of AAA)'],
      [edit('"r" : ["77","4000000000123"]', '"r" : {}'), ['AAA'], '(the arrays of AAA)'],
      [encode([{ ...A, r: ['77'] }]), ['AAA'], '(the arrays of AAA)'],
      ...['"12a"', '"a12"', '12', '"1.5"'].map((rev): [Uint8Array, string[], string] => [edit('"rev" : "4000000000123"', `"rev" : ${rev}`), ['AAA'], '(the arrays of AAA)']),
      [encode([{ ...A, d: [20_001, 20_000, 20_004] }]), ['AAA'], '(AAA: dates out of order, 2024-10-04 after 2024-10-05)'],
      [edit('"d" : [20000,20001,20004]', '"d" : [20000,20001.5,20004]'), ['AAA'], '(AAA: a date outside the range asked)'],
      [edit('"d" : [20000,20001,20004]', '"d" : [20000,"20001",20004]'), ['AAA'], '(AAA: a date outside the range asked)'],
      [edit('"d" : [20000,20001,20004]', '"d" : [19989,20001,20004]'), ['AAA'], '(AAA: a date outside the range asked)'],
      [edit('"d" : [20000,20001,20004]', '"d" : [20000,20001,20101]'), ['AAA'], '(AAA: a date outside the range asked)'],
      [encode([{ ...A, d: [20_000, 20_001] }]), ['AAA'], '(AAA.o: not an array of 2)'],
      [edit('[10,11,12]', '[10,"11",12]'), ['AAA'], '(AAA.c[1] is "11")'],
      [edit('[10,11,12]', '[10,"inf",12]'), ['AAA'], '(AAA.c[1] is "inf")'],
      [edit('"m" : [19996,20027]', '"m" : [19996,20027.5]'), ['AAA'], '(the revisions of AAA)'],
      [edit('"m" : [19996,20027]', '"m" : [19996,"20027"]'), ['AAA'], '(the revisions of AAA)'],
      [edit('"r" : ["77","4000000000123"]', '"r" : ["77",4000000000123]'), ['AAA'], '(the revisions of AAA)'],
      [edit('"r" : ["77","4000000000123"]', '"r" : ["77","x4000000000123"]'), ['AAA'], '(the revisions of AAA)'],
      [edit('"r" : ["77","4000000000123"]', '"r" : ["77","4000000000123x"]'), ['AAA'], '(the revisions of AAA)'],
    ];
    for (const [body, asked, why] of cases) {
      expect(() => decodeWindow(body, asked, 19_990, 20_100)).toThrow(CompactShapeError);
      expect(() => decodeWindow(body, asked, 19_990, 20_100)).toThrow(`backtest_prices_window answered in another shape ${why}; `);
      expect(() => decodeWindow(body, asked, 19_990, 20_100)).toThrow(APPLY);
    }
    // The bounds of the range are inside it; a negative revision is one.
    expect(decodeWindow(edit('"rev" : "4000000000123"', '"rev" : "-5"'), ['AAA'], 20_000, 20_004).symbols[0]!.revision).toBe('-5');
    expect(() => decodeWindow(encode([A]), ['AAA'], 20_001, 20_100)).toThrow(/outside the range/);
  });

  it('dates out of order or repeated are refused, naming the symbol and the two days, never put in order', () => {
    // The one-sort body's order rests on how Postgres executes it: every answer is checked.
    const swapped = { ...A, d: [20_000, 20_004, 20_001] };
    expect(() => decodeWindow(encode([B, swapped]), ['AAA', 'Ｚü😀'], 19_990, 20_100)).toThrow(CompactShapeError);
    expect(() => decodeWindow(encode([B, swapped]), ['AAA', 'Ｚü😀'], 19_990, 20_100)).toThrow(
      'backtest_prices_window answered in another shape (AAA: dates out of order, 2024-10-05 after 2024-10-08); apply supabase/migrations/20250103000000_compact_reads.sql, then supabase/migrations/20261130000000_window_one_sort.sql, then supabase/migrations/20261201000000_window_scaled.sql, then supabase/migrations/20261202000000_window_packed.sql, to the project (this vopa-backtest reads vopa-window-1 from it)',
    );
    expect(() => decodeWindow(encode([{ ...A, d: [20_000, 20_001, 20_001] }]), ['AAA'], 19_990, 20_100)).toThrow('AAA: dates out of order, 2024-10-05 after 2024-10-05');
  });
});

/**
 * Formats vopa-window-2 and vopa-window-3 of backtest_prices_window_scaled, written here from their
 * descriptions in the migrations (20261201000000_window_scaled.sql, 20261202000000_window_packed.sql),
 * as a second, independent encoder: prices exact at 4 decimals as integers k = round(x × 10⁴)
 * (close: its change from the previous row's k, or from 0 on the first row and after a missing
 * one; open: minus the row's close k, or 0 where it is missing; high and low: likewise in
 * vopa-window-2, and in vopa-window-3 high minus the greater of open and close k, the lesser minus
 * low, leaving a missing one out, 0 where both are), with "p": true; volumes as integers with
 * "q": true (vopa-window-3: one string of vw hexadecimal digits a row from vm, the least, vw the
 * digits of the greatest minus the least, "-" × vw where missing); else doubles as vopa-window-1.
 */
function encodeScaled(symbols: Sym[], packed = false): Uint8Array {
  const k = (x: number) => Math.round(x * 10_000);
  const exactPrice = (x: number | null) => x === null || (Number.isFinite(x) && Math.abs(x) < 4.5e11 && !Object.is(x, -0) && k(x) / 10_000 === x);
  const exactVolume = (x: number | null) => x === null || (Number.isSafeInteger(x) && !Object.is(x, -0));
  const sym = (x: Sym) => {
    const [o, h, l, c, v] = x.fields as [(number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]];
    const p = [o, h, l, c].every((f) => f.every(exactPrice));
    const present = v.filter((y): y is number => y !== null);
    const least = present.length ? Math.min(...present) : null;
    const q = v.every(exactVolume) && (!packed || least === null || Math.max(...present) - least < 2 ** 53);
    let fields: string[];
    if (p) {
      const kc = c.map((y) => (y === null ? null : k(y)));
      const dist = (f: (number | null)[]) => f.map((y, i) => (y === null ? 'null' : String(k(y) - (kc[i] ?? 0))));
      const changes = kc.map((y, i) => (y === null ? 'null' : String(y - (i > 0 ? (kc[i - 1] ?? 0) : 0))));
      // vopa-window-3: the row's open and close k that are there; their greatest and least (0 when neither is).
      const there = (i: number) => [o[i], c[i]].filter((y): y is number => y !== null).map(k);
      const above = h.map((y, i) => (y === null ? 'null' : String(k(y) - (there(i).length ? Math.max(...there(i)) : 0))));
      const below = l.map((y, i) => (y === null ? 'null' : String((there(i).length ? Math.min(...there(i)) : 0) - k(y))));
      fields = [dist(o), packed ? above : dist(h), packed ? below : dist(l), changes].map((f) => `[${f.join(',')}]`);
    } else {
      fields = [o, h, l, c].map((f) => `[${f.map(pgNumber).join(',')}]`);
    }
    let volumes = `[${v.map((y) => (q ? (y === null ? 'null' : String(y)) : pgNumber(y))).join(',')}]`;
    if (packed && q) {
      const width = least === null ? 1 : (Math.max(...present) - least).toString(16).length;
      volumes = `"${v.map((y) => (y === null ? '-'.repeat(width) : (y - least!).toString(16).padStart(width, '0'))).join('')}", "vm" : ${least}, "vw" : ${width}`;
    } else if (packed) volumes += ', "vm" : null, "vw" : null';
    return `{"s" : ${JSON.stringify(x.s)}, "rev" : ${x.rev === null ? 'null' : `"${x.rev}"`}, "d" : [${x.d.join(',')}], "p" : ${p}, "q" : ${q}, `
      + ['o', 'h', 'l', 'c'].map((key, i) => `"${key}" : ${fields[i]}`).join(', ')
      + `, "v" : ${volumes}, "m" : [${x.m.join(',')}], "r" : [${x.r.map((r) => `"${r}"`).join(',')}]}`;
  };
  return new TextEncoder().encode(`{"format" : "vopa-window-${packed ? 3 : 2}", "tracked" : true, "symbols" : [${symbols.map(sym).join(', ')}]}`);
}

describe('the compact window in fewer bytes (formats vopa-window-2 and vopa-window-3)', () => {
  const SCALED = 'backtest_prices_window_scaled' as const;
  const days = (n: number) => Array.from({ length: n }, (_, i) => 20_000 + i);
  // 4-decimal prices of a random walk, with missing values (a missing close too: the next change is from 0), and integer volumes.
  const random = mulberry32(3);
  const n = 300;
  let close = 45.07;
  const walk = Array.from({ length: n }, () => (close = Math.max(0.0001, Math.round((close + (random() - 0.5) * 2) * 10_000) / 10_000)));
  const at4 = (x: number) => Math.round(x * 10_000) / 10_000;
  const W: Sym = {
    s: 'WALK', rev: '12', d: days(n), m: [], r: [],
    fields: [
      walk.map((c, i) => (i % 7 === 3 ? null : at4(c * (1 + (random() - 0.5) / 50)))),
      walk.map((c) => at4(c * 1.01)),
      walk.map((c, i) => (i % 11 === 5 ? null : at4(c * 0.99))),
      walk.map((c, i) => (i % 13 === 6 ? null : c)),
      walk.map((_, i) => (i % 17 === 2 ? null : i === 9 ? 0 : i === 10 ? 2 ** 53 - 1 : Math.floor(random() * 1e7))),
    ],
  };
  // A price past what is written as an integer (4.5e11), a -0, a double that is not a 4-decimal value; volumes not integers.
  const big: Sym = { ...W, s: 'BIG', fields: [W.fields[0]!, W.fields[1]!, W.fields[2]!, W.fields[3]!.map((c, i) => (i === 40 ? 4.5e11 : c)), W.fields[4]!.map((v, i) => (i === 40 ? 2 ** 53 : v))] };
  const odd: Sym = { ...W, s: 'ODD', fields: [W.fields[0]!.map((o, i) => (i === 0 ? -0 : o)), W.fields[1]!, W.fields[2]!.map((l, i) => (i === 7 ? 0.1 + 0.2 : l)), W.fields[3]!, W.fields[4]!.map((v, i) => (i === 8 ? 1.5 : i === 9 ? -0 : v))] };
  const edge: Sym = { s: 'EDGE', rev: null, d: [20_000, 20_001], m: [], r: [], fields: [[449_999_999_999.9999, -449_999_999_999.9999], [0.0001, -0.0001], [1e-4, 0], [449_999_999_999.9999, -449_999_999_999.9999], [-(2 ** 53 - 1), 2 ** 53 - 1]] };
  // Three rows with the open or the low missing, volumes with a missing one and a zero (vopa-window-3 by hand).
  const tiny: Sym = { s: 'TINY', rev: null, d: [20_000, 20_001, 20_004], m: [], r: [], fields: [[45.07, null, 44.81], [45.35, 45.18, 44.95], [45.0, 44.45, null], [45.08, 44.6, 44.62], [1_824_755, null, 0]] };

  it('decodes every value bit for bit, integers and doubles alike, as vopa-window-1 gives them', () => {
    const symbols = [W, big, odd, edge, B];
    const body = encodeScaled(symbols);
    const text = new TextDecoder().decode(body);
    // The encoder chose integers for WALK and EDGE, doubles for the prices of BIG and ODD and for their volumes.
    expect(text.match(/"s" : "[^"]+", "rev" : [^,]+, "d" : \[[^\]]*\], "p" : \w+, "q" : \w+/g)!.map((m) => m.replace(/"rev".*"p"/, '"p"'))).toEqual([
      '"s" : "WALK", "p" : true, "q" : true', '"s" : "BIG", "p" : false, "q" : false', '"s" : "ODD", "p" : false, "q" : false', '"s" : "EDGE", "p" : true, "q" : true', '"s" : "Ｚü😀", "p" : true, "q" : true',
    ]);
    const asked = symbols.map((x) => x.s);
    const scaled = decodeWindow(body, asked, 19_990, 20_400, 'prices', SCALED);
    const doubles = decodeWindow(encode(symbols), asked, 19_990, 20_400);
    expect(scaled.symbols.map((x) => x.symbol)).toEqual(asked);
    scaled.symbols.forEach((x, j) => {
      const y = doubles.symbols[j]!;
      for (const f of ['days', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Buffer.from(x.series[f].buffer).equals(Buffer.from(y.series[f].buffer)), `${x.symbol}.${f}`).toBe(true);
      }
      expect([x.revision, [...x.months]]).toEqual([y.revision, [...y.months]]);
    });
    // Values by hand: EDGE's open and close are ±449,999,999,999.9999 (k = ±4,499,999,999,999,999), the largest written as integers.
    const e = scaled.symbols[3]!.series;
    expect([...e.open, ...e.close, ...e.volume]).toEqual([449_999_999_999.9999, -449_999_999_999.9999, 449_999_999_999.9999, -449_999_999_999.9999, -(2 ** 53 - 1), 2 ** 53 - 1]);
    expect(Object.is(e.low[1], 0)).toBe(true);
    expect(text).toContain('"s" : "EDGE", "rev" : null, "d" : [20000,20001], "p" : true, "q" : true, "o" : [0,0], "h" : [-4499999999999998,4499999999999998], "l" : [-4499999999999998,4499999999999999], "c" : [4499999999999999,-8999999999999998]');
  });

  it('integers that are not safe, or sums past 2^53, are a shape error naming the function; a cut body is a cut', () => {
    const text = new TextDecoder().decode(encodeScaled([edge]));
    const edit = (from: string, to: string) => {
      expect(text).toContain(from);
      return text.replace(from, to);
    };
    // Each wrong in one way, and the error says which field and where.
    const bad: [string, string][] = [
      [edit('"c" : [4499999999999999,', '"c" : [4499999999999999.5,'), 'EDGE.c[0] is 4499999999999999.5, not an integer below 2^53'],
      [edit('"c" : [4499999999999999,', '"c" : [9007199254740992,'), 'EDGE.c[0] is 9007199254740992, not an integer below 2^53'],
      // −4,499,999,999,999,999 − 4.6e15 = −9,099,999,999,999,999, past 2^53 (printed as the double the sum rounds to).
      [edit('"c" : [4499999999999999,', '"c" : [-4499999999999999,').replace('-8999999999999998]', '-4600000000000000]'), 'EDGE: c[1] sums to -9100000000000000, past 2^53'],
      [edit('"o" : [0,0]', '"o" : [4600000000000000,0]'), 'EDGE: o[0] sums to 9100000000000000, past 2^53'], // a safe integer, but 4.6e15 + 4,499,999,999,999,999 > 2^53 (the double it rounds to)
      [edit('"h" : [-4499999999999998,4499999999999998]', '"h" : [4600000000000000,4499999999999998]'), 'EDGE: h[0] sums to 9100000000000000, past 2^53'],
      [edit('"l" : [-4499999999999998,4499999999999999]', '"l" : [4600000000000000,4499999999999999]'), 'EDGE: l[0] sums to 9100000000000000, past 2^53'],
      [edit('"o" : [0,0]', '"o" : ["0",0]'), 'EDGE.o[0] is "0", not an integer below 2^53'],
      [edit('"o" : [0,0]', '"o" : [true,0]'), 'EDGE.o[0] is true, not an integer below 2^53'], // true + k would be an integer
      [edit('"v" : [-9007199254740991,9007199254740991]', '"v" : [1.5,9007199254740991]'), 'EDGE.v[0] is 1.5, not an integer below 2^53'],
      [edit('"p" : true', '"p" : 1'), 'EDGE: p and q are not booleans'],
      [edit(', "q" : true', ''), 'EDGE: p and q are not booleans'],
    ];
    // A sum that stays below 2^53 decodes: 4,499,999,999,999,999 − 9,999,999,999,999.
    expect(decodeWindow(new TextEncoder().encode(edit('-8999999999999998]', '-9999999999999]')), ['EDGE'], 19_990, 20_400, 'prices', SCALED).symbols[0]!.series.close[1]).toBe((4499999999999999 - 9999999999999) / 10_000);
    for (const [body, why] of bad) {
      expect(() => decodeWindow(new TextEncoder().encode(body), ['EDGE'], 19_990, 20_400, 'prices', SCALED)).toThrow(CompactShapeError);
      expect(() => decodeWindow(new TextEncoder().encode(body), ['EDGE'], 19_990, 20_400, 'prices', SCALED)).toThrow(`backtest_prices_window_scaled answered in another shape (${why}`);
    }
    // The one format for the other function: each answers its own.
    expect(() => decodeWindow(new TextEncoder().encode(text), ['EDGE'], 19_990, 20_400)).toThrow('backtest_prices_window answered in another shape (format "vopa-window-2", not vopa-window-1)');
    expect(() => decodeWindow(encode([edge]), ['EDGE'], 19_990, 20_400, 'prices', SCALED)).toThrow('backtest_prices_window_scaled answered in another shape (format "vopa-window-1", not vopa-window-3 or vopa-window-2)');
    const whole = encodeScaled([W]);
    for (let end = 0; end < whole.length; end += 7) expect(() => decodeWindow(whole.subarray(0, end), ['WALK'], 19_990, 20_400, 'prices', SCALED)).toThrow(CompactCutError);
    const cut = (() => { try { decodeWindow(whole.subarray(0, 100), ['WALK'], 19_990, 20_400, 'prices', SCALED); } catch (err) { return err as CompactCutError; } })();
    expect([cut?.code, cut?.message]).toEqual(['E_SUPABASE_CUT', 'the answer (100 bytes) is not whole JSON']);
  });
  it('vopa-window-3 decodes every value bit for bit as vopa-window-1 gives them: high and low from the bar\'s extremes, volumes as hexadecimal digits from the least', () => {
    const none: Sym = { ...W, s: 'NOVOL', fields: [...W.fields.slice(0, 4), W.fields[4]!.map(() => null)] };
    // Volumes from -2^52 to 2^52 - 1: a range of 2^53 - 1, the widest written as digits (14 of them); EDGE's, ±(2^53 - 1), go as doubles.
    const range: Sym = { ...W, s: 'RANGE', fields: [...W.fields.slice(0, 4), W.fields[4]!.map((v, i) => (i === 0 ? -(2 ** 52) : i === 10 ? 2 ** 52 - 1 : v))] };
    // Negative prices (a spread, an oil future in April 2020) with the open or the close missing: high and low from the one there is, not from 0.
    const neg: Sym = { s: 'NEG', rev: null, d: [20_000, 20_001, 20_002], m: [], r: [], fields: [[null, -5.25, -1], [-1, -2, 0.5], [-7, -6, -3], [-4.5, null, -2], [1, 2, 3]] };
    const symbols = [W, big, odd, edge, B, none, range, neg];
    const body = encodeScaled(symbols, true);
    const text = new TextDecoder().decode(body);
    expect(text.match(/"s" : "[^"]+", "rev" : [^,]+, "d" : \[[^\]]*\], "p" : \w+, "q" : \w+/g)!.map((m) => m.replace(/"rev".*"p"/, '"p"'))).toEqual(
      ['WALK', 'BIG', 'ODD', 'EDGE', 'Ｚü😀', 'NOVOL', 'RANGE', 'NEG'].map((x, j) => `"s" : "${x}", "p" : ${[true, false, false, true, true, true, true, true][j]}, "q" : ${[true, false, false, false, true, true, true, true][j]}`),
    );
    expect(text).toContain(`"vm" : -4503599627370496, "vw" : 14, "m"`);
    expect(text).toContain(`"v" : "${'-'.repeat(300)}", "vm" : null, "vw" : 1`);
    const asked = symbols.map((x) => x.s);
    const packed = decodeWindow(body, asked, 19_990, 20_400, 'prices', SCALED);
    const doubles = decodeWindow(encode(symbols), asked, 19_990, 20_400);
    packed.symbols.forEach((x, j) => {
      const y = doubles.symbols[j]!;
      expect(x.symbol).toBe(y.symbol);
      for (const f of ['days', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Buffer.from(x.series[f].buffer).equals(Buffer.from(y.series[f].buffer)), `${x.symbol}.${f}`).toBe(true);
      }
    });
    // WALK has rows without an open, without a close, and without both (day 45): high and low from what is there, or from 0.
    expect([W.fields[0]![45], W.fields[3]![45], W.fields[0]![6], W.fields[3]![3]]).toEqual([null, null, expect.any(Number), expect.any(Number)]);
    expect(packed.symbols[0]!.series.high[45]).toBe(W.fields[1]![45]);
    // NEG by hand: highs above -45000 (the close alone), -52500 (the open alone), max(-10000, -20000); lows below the same, min for the last.
    expect(text).toContain('"s" : "NEG", "rev" : null, "d" : [20000,20001,20002], "p" : true, "q" : true, "o" : [null,-52500,10000], "h" : [35000,32500,15000], "l" : [25000,7500,10000]');
  });

  it('vopa-window-3 by hand: three rows, the open or the low missing, volumes with a missing one and a zero', () => {
    const text = new TextDecoder().decode(encodeScaled([tiny], true));
    // Closes k 450800, 446000, 446200. Highs above max(open, close) k: 453500 - 450800, 451800 - 446000 (no open), 449500 - 448100;
    // lows below min(open, close) k: 450700 - 450000, 446000 - 444500. Volumes from 0 in 6 digits: 1824755 = 0x1bd7f3.
    expect(text).toContain('"p" : true, "q" : true, "o" : [-100,null,1900], "h" : [2700,5800,1400], "l" : [700,1500,null], "c" : [450800,-4800,200], "v" : "1bd7f3------000000", "vm" : 0, "vw" : 6');
    const series = decodeWindow(new TextEncoder().encode(text), ['TINY'], 19_990, 20_400, 'prices', SCALED).symbols[0]!.series;
    expect([...series.open, ...series.high, ...series.low, ...series.close, ...series.volume]).toEqual([45.07, NaN, 44.81, 45.35, 45.18, 44.95, 45.0, 44.45, NaN, 45.08, 44.6, 44.62, 1_824_755, NaN, 0]);
  });

  it('vopa-window-3: volumes of another length, digit, width or sum, and highs or lows past 2^53, are a shape error saying which', () => {
    const text = new TextDecoder().decode(encodeScaled([tiny], true));
    const edit = (from: string, to: string) => {
      expect(text).toContain(from);
      return text.replace(from, to);
    };
    const volumes = '"v" : "1bd7f3------000000", "vm" : 0, "vw" : 6';
    const widths = 'v, vm and vw are not a string, an integer below 2^53 or null, and a width of 1 to 14';
    const bad: [string, string][] = [
      [edit(volumes, '"v" : "1bd7f3------00000", "vm" : 0, "vw" : 6'), 'TINY: v has 17 characters, not 3 × 6'],
      [edit(volumes, '"v" : "1bd7f3------0000000", "vm" : 0, "vw" : 6'), 'TINY: v has 19 characters, not 3 × 6'],
      [edit(volumes, '"v" : "1bd7g3------000000", "vm" : 0, "vw" : 6'), 'TINY: v[0] is "1bd7g3", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1BD7F3------000000", "vm" : 0, "vw" : 6'), 'TINY: v[0] is "1BD7F3", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3---0--000000", "vm" : 0, "vw" : 6'), 'TINY: v[1] is "---0--", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3------00000-", "vm" : 0, "vw" : 6'), 'TINY: v[2] is "00000-", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3------0000é0", "vm" : 0, "vw" : 6'), 'TINY: v[2] is "0000é0", neither 6 hexadecimal digits nor 6 "-"'],
      // U+00B0 and U+0661 (ARABIC-INDIC DIGIT ONE): their low 7 bits are "0" and "a".
      [edit(volumes, '"v" : "1bd7f3------0000°0", "vm" : 0, "vw" : 6'), 'TINY: v[2] is "0000°0", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3------0000١0", "vm" : 0, "vw" : 6'), 'TINY: v[2] is "0000١0", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3------0000\u00800", "vm" : 0, "vw" : 6'), 'TINY: v[2] is "0000\u00800", neither 6 hexadecimal digits nor 6 "-"'],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : null, "vw" : 6'), 'TINY: v[0] is a volume, but vm is null'],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : 9007199254740991, "vw" : 6'), 'TINY: v[0] sums to 9007199256565746, past 2^53'],
      [edit(volumes, `"v" : "20000000000000${'-'.repeat(14)}${'0'.repeat(14)}", "vm" : 0, "vw" : 14`), 'TINY: v[0] is "20000000000000", past 2^53'],
      // 2^53 + 1 from -10 would be a safe integer, but 2^53 + 1 is not exact as a double: refused whatever vm is.
      [edit(volumes, `"v" : "20000000000001${'-'.repeat(14)}${'0'.repeat(14)}", "vm" : -10, "vw" : 14`), 'TINY: v[0] is "20000000000001", past 2^53'],
      [edit(volumes, `"v" : "${'0'.repeat(14)}${'-'.repeat(14)}20000000000000", "vm" : 0, "vw" : 14`), 'TINY: v[2] is "20000000000000", past 2^53'],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : 0.5, "vw" : 6'), `TINY: ${widths}`],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : "0", "vw" : 6'), `TINY: ${widths}`],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : 0, "vw" : "6"'), `TINY: ${widths}`],
      [edit(volumes, '"v" : "", "vm" : 0, "vw" : 0'), `TINY: ${widths}`],
      [edit(volumes, '"v" : "1bd7f3------000000", "vm" : 0, "vw" : 1.5'), `TINY: ${widths}`],
      [edit(volumes, '"v" : "000000000000001bd7f3000000000000000------000000000000000", "vm" : 0, "vw" : 15'), `TINY: ${widths}`],
      [edit(volumes, '"v" : [1824755,null,0], "vm" : 0, "vw" : 6'), `TINY: ${widths}`],
      // Highs and lows sum from the extremes: past 2^53 either way.
      [edit('"h" : [2700,', '"h" : [9007199254740000,'), 'TINY: h[0] sums to 9007199255190800, past 2^53'],
    ];
    for (const [body, why] of bad) {
      // The class too: a bare toThrow(text) also passes when what is thrown is not an error at all (undefined).
      expect(() => decodeWindow(new TextEncoder().encode(body), ['TINY'], 19_990, 20_400, 'prices', SCALED), why).toThrow(CompactShapeError);
      expect(() => decodeWindow(new TextEncoder().encode(body), ['TINY'], 19_990, 20_400, 'prices', SCALED), why).toThrow(`backtest_prices_window_scaled answered in another shape (${why}); `);
    }
    // The widest, 14 digits, decodes; a volume of 2^53 - 1 from 0 is one.
    expect(decodeWindow(new TextEncoder().encode(edit(volumes, `"v" : "1fffffffffffff${'-'.repeat(14)}${'0'.repeat(14)}", "vm" : 0, "vw" : 14`)), ['TINY'], 19_990, 20_400, 'prices', SCALED).symbols[0]!.series.volume[0]).toBe(2 ** 53 - 1);
    // A low past 2^53 below the lesser of a negative open and close (EDGE's second row: both k -4,499,999,999,999,999).
    const edgeText = new TextDecoder().decode(encodeScaled([edge], true)).replace('"l" : [4499999999999998,-4499999999999999]', '"l" : [4499999999999998,4600000000000000]');
    expect(edgeText).toContain('4600000000000000]');
    expect(() => decodeWindow(new TextEncoder().encode(edgeText), ['EDGE'], 19_990, 20_400, 'prices', SCALED)).toThrow('backtest_prices_window_scaled answered in another shape (EDGE: l[1] sums to -9100000000000000, past 2^53); ');
    // vopa-window-3 from the function that answers vopa-window-1: refused.
    expect(() => decodeWindow(new TextEncoder().encode(text), ['TINY'], 19_990, 20_400)).toThrow('backtest_prices_window answered in another shape (format "vopa-window-3", not vopa-window-1)');
    const whole = encodeScaled([W], true);
    for (let end = 0; end < whole.length; end += 7) expect(() => decodeWindow(whole.subarray(0, end), ['WALK'], 19_990, 20_400, 'prices', SCALED)).toThrow(CompactCutError);
  });
});
