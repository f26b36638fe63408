import { describe, expect, it } from 'vitest';
import { CellWriter, type TileOptions } from '../../src/source/local/cell-writer.ts';

/**
 * The panel writer's tiles against the obvious way (each value straight into its cell), with tiles
 * made small (4 columns, 2 open) so that every path runs on a small panel: stretches into tiles,
 * evictions and a block's tile opened again, batches written straight in, and NULLs.
 */
const N = 37, BARS = 29, FIELDS = 5;
const SMALL: TileOptions = { shift: 2, open: 2, minCells: 0 };

interface Row { bar: number; col: number; values: (number | null)[] }

function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Every (bar, column) once, with some cells left out and some values NULL. */
function rows(seed: number): Row[] {
  const rnd = rng(seed);
  const out: Row[] = [];
  for (let col = 0; col < N; col++) {
    for (let bar = 0; bar < BARS; bar++) {
      if (rnd() < 0.1) continue;
      out.push({ bar, col, values: Array.from({ length: FIELDS }, () => (rnd() < 0.05 ? null : Math.round(rnd() * 1e6) / 100)) });
    }
  }
  return out;
}

/** Writes rows in batches of `batch` (as DuckDB's chunks come), or in the batches given; validity as DuckDB's bit mask. */
function write(input: readonly Row[] | readonly (readonly Row[])[], batch: number, options: TileOptions): { fields: Float64Array[]; duplicates: boolean } {
  // Unfilled: what the arrays hold before the writes is not NaN (garbage here, to see that none survives).
  const fields = Array.from({ length: FIELDS }, () => new Float64Array(N * BARS).fill(options.unfilled ? 777 : NaN));
  const writer = new CellWriter(fields, N, BARS, options);
  const batches: (readonly Row[])[] = [];
  if (Array.isArray(input[0])) batches.push(...(input as Row[][]));
  else for (let from = 0; from < input.length; from += batch) batches.push((input as Row[]).slice(from, from + batch));
  for (const part of batches) {
    const bar = Int32Array.from(part, (r) => r.bar), col = Int32Array.from(part, (r) => r.col);
    writer.write(part.length, bar, col, (f) => {
      const values = Float64Array.from(part, (r) => r.values[f] ?? 12345); // a NULL's payload is garbage
      const anyNull = part.some((r) => r.values[f] === null);
      const valid = new Uint8Array(Math.ceil(part.length / 64) * 8);
      part.forEach((r, k) => { if (r.values[f] !== null) valid[k >> 3]! |= 1 << (k & 7); });
      return { values, valid: anyNull ? valid : null };
    });
  }
  writer.finish();
  return { fields, duplicates: writer.duplicates };
}

function expected(input: readonly Row[]): Float64Array[] {
  const fields = Array.from({ length: FIELDS }, () => new Float64Array(N * BARS).fill(NaN));
  for (const r of input) r.values.forEach((v, f) => { fields[f]![r.bar * N + r.col] = v ?? NaN; });
  return fields;
}

const same = (a: Float64Array[], b: Float64Array[]) => a.forEach((x, f) => expect(Array.from(x), `field ${f}`).toEqual(Array.from(b[f]!)));

describe('panel cell writer', () => {
  it('gives the panel of the obvious way, by symbol, by date, interleaved and shuffled, in tiles or not, into filled arrays or not', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const bySymbol = rows(seed);
      const byDate = [...bySymbol].sort((a, b) => a.bar - b.bar || a.col - b.col);
      // Two readers' chunks taking turns (DuckDB's threads): the first and second half interleaved by 64.
      const half = bySymbol.length >> 1;
      const interleaved: Row[] = [];
      for (let k = 0; k < half || half + k < bySymbol.length; k += 64) interleaved.push(...bySymbol.slice(k, Math.min(k + 64, half)), ...bySymbol.slice(half + k, half + k + 64));
      const rnd = rng(seed + 100);
      const shuffled = [...bySymbol].sort(() => rnd() - 0.5);
      const want = expected(bySymbol);
      for (const input of [bySymbol, byDate, interleaved, shuffled]) {
        expect(input.length).toBe(bySymbol.length);
        const unfilled = [[128, { ...SMALL, unfilled: true }], [100, { unfilled: true }], [2048, { ...SMALL, open: 1, unfilled: true }]] as const;
        for (const [batch, options] of [[128, SMALL], [512, SMALL], [100, {}], [2048, { ...SMALL, open: 1 }], ...unfilled] as const) {
          const got = write(input, batch, options);
          expect(got.duplicates).toBe(false);
          same(got.fields, want);
        }
      }
    }
  });

  it('finds a repeated (symbol, date) inside a tile, across a tile and a straight write, and across two openings of a tile', () => {
    const base = rows(7);
    const repeat = (r: Row): Row => ({ ...r, values: r.values.map((v) => (v === null ? 1 : v + 1)) });
    // Inside one stretch of a tile.
    expect(write([...base.slice(0, 200), repeat(base[150]!), ...base.slice(200)], 256, SMALL).duplicates).toBe(true);
    // Its first copy in a tile (a long stretch), its second in a batch written straight in (rows by date).
    const byDate = [...base].sort((a, b) => a.bar - b.bar || a.col - b.col).slice(0, 300);
    expect(write([...base, ...byDate.map(repeat)], 256, SMALL).duplicates).toBe(true);
    // The block's tile evicted (two tiles open, other blocks written), then opened again by a batch of its own.
    const block0 = base.filter((r) => r.col < 4), others = base.filter((r) => r.col >= 4);
    expect(block0.length).toBeGreaterThan(90);
    expect(write([block0, others, [repeat(block0[10]!), ...block0.slice(11, 90)]], 0, SMALL).duplicates).toBe(true);
    // And no false alarm: the same rows, each once, in those orders.
    expect(write([block0, others], 0, SMALL).duplicates).toBe(false);
  });
});
