import { beforeEach, describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import { eligibility, type Eligibility } from '../../src/panel/eligibility.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { mulberry32 } from '../support/random.ts';

/**
 * Sparse factors (Factor.sparse): asked for some rows only — a strategy deciding every R bars needs
 * its decision bars — the cache emits those rows and no others. What is checked: on the rows asked
 * for, the values are bit for bit those of the factor computed on every row (VOPA's value and
 * z-score, whose windows slide on every bar whatever is emitted), NaN elsewhere; the inputs are asked
 * for the same rows; a factor that is not sparse is computed whole; rows asked for later are added
 * by computing again on the union; only whole factors are handed to other threads.
 */
// Built while the file loads: the sample generator only (src/sample is not mutated). What the tests
// check (the membership, the factors) is built in each test (npm run mutate: no static mutants).
const market = generateSampleMarket({ seed: 11, symbols: 40, from: '2022-01-03', to: '2023-12-29', listings: 4, delistings: 4 });
const panel = samplePanel(market);
const bars = panel.days.length, n = panel.symbols.length;

/** The panel's own membership with about one cell in ten taken out as well: masks on every row. */
function holey(seed: number): Eligibility {
  const base = eligibility(panel, 'open');
  const r = mulberry32(seed);
  const mask = Uint8Array.from(base.mask, (m) => (r() < 0.1 ? 0 : m));
  return { all: false, mask, span: (t) => base.span(t) };
}
let universe: Eligibility, value: Factor, vopa: Factor;
beforeEach(() => {
  universe = holey(3);
  value = riskAdjustedValue(21, 2);
  vopa = peerZScore(value, 3);
});

const rowsOf = (pick: (t: number) => boolean) => Uint8Array.from({ length: bars }, (_, t) => (pick(t) ? 1 : 0));

/** Every row of `sparse` is the whole factor's on the rows asked for (same bits), NaN on the others. */
function expectRows(sparse: Float64Array, whole: Float64Array, rows: Uint8Array, what: string): number {
  let compared = 0;
  for (let t = 0; t < bars; t++) {
    for (let i = 0; i < n; i++) {
      const got = sparse[t * n + i]!;
      if (rows[t] === 1) {
        if (!Object.is(got, whole[t * n + i])) expect({ what, t, i, got }).toEqual({ what, t, i, got: whole[t * n + i] });
        if (!Number.isNaN(got)) compared++;
      } else if (!Number.isNaN(got)) expect({ what, t, i, got }).toEqual({ what, t, i, got: NaN });
    }
  }
  return compared;
}

describe('FactorCache: sparse factors on the rows asked for', () => {
  it('VOPA value and z-score on some rows: those rows bit for bit as computed on every row, NaN on the others; the input on the same rows', () => {
    const whole = new FactorCache(panel, { universe });
    const wholeValue = whole.get(value), wholeVopa = whole.get(vopa);
    const r = mulberry32(7);
    const patterns: Record<string, Uint8Array> = {
      'every 5th from bar 30': rowsOf((t) => t >= 30 && (t - 30) % 5 === 0),
      'every 7th from bar 3': rowsOf((t) => t >= 3 && (t - 3) % 7 === 0),
      'every row': rowsOf(() => true),
      'one in ten at random': rowsOf(() => r() < 0.1),
      'the last bar only': rowsOf((t) => t === bars - 1),
      'none': rowsOf(() => false),
    };
    let compared = 0;
    for (const [name, rows] of Object.entries(patterns)) {
      const cache = new FactorCache(panel, { universe });
      const sparseVopa = cache.get(vopa, rows);
      compared += expectRows(sparseVopa, wholeVopa, rows, `${name}: vopa`);
      expect(cache.rowsHeld(vopa.key), name).toBe(rows);
      expect(cache.rowsHeld(value.key), name).toBe(rows); // the input, asked for the same rows
      compared += expectRows(cache.get(value, rows), wholeValue, rows, `${name}: value`);
      expect(cache.computed, name).toBe(2);
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('steps every bar in order and emits on the rows asked for only; elsewhere its output and inputs are empty', () => {
    const seen: Array<[number, boolean, number, number]> = [];
    const probe: Factor = {
      key: 'probe', inputs: [value], sparse: true,
      create: () => (history, out, [input], emit) => {
        seen.push([history.t, emit, out.length, input!.length]);
        out[0] = 1; // written to an empty row when not emitting: goes nowhere
      },
    };
    const rows = rowsOf((t) => t % 4 === 1);
    const values = new FactorCache(panel, { universe }).get(probe, rows);
    expect(seen.map(([t]) => t)).toEqual(Array.from({ length: bars }, (_, t) => t));
    for (const [t, emit, outLength, inputLength] of seen) {
      expect([t, emit, outLength, inputLength]).toEqual(rows[t] ? [t, true, n, n] : [t, false, 0, 0]);
    }
    for (let t = 0; t < bars; t++) expect(Number.isNaN(values[t * n]), `bar ${t}`).toBe(rows[t] !== 1 || universe.mask[t * n] === 0);
  });

  it('a factor that is not sparse is computed on every row, and so are its inputs, whatever rows are asked for', () => {
    const minus: Factor = {
      key: 'vopa minus close', inputs: [vopa],
      create: ({ n: k }) => (history, out, [input]) => { const c = history.row('close'); for (let i = 0; i < k; i++) out[i] = input![i]! - c[i]!; },
    };
    const whole = new FactorCache(panel, { universe }).get(minus);
    const cache = new FactorCache(panel, { universe });
    const all = rowsOf(() => true);
    expectRows(cache.get(minus, rowsOf((t) => t % 5 === 0)), whole, all, 'not sparse');
    for (const key of [minus.key, vopa.key, value.key]) expect(cache.rowsHeld(key), key).toBeUndefined();
  });

  it('asked later for rows it lacks: computed again on the union into a new array (the old one keeps its rows); for every row: whole', () => {
    const wholeVopa = new FactorCache(panel, { universe }).get(vopa);
    const cache = new FactorCache(panel, { universe });
    const a = rowsOf((t) => t % 5 === 0), b = rowsOf((t) => t % 3 === 0);
    const first = cache.get(vopa, a);
    const kept = Float64Array.from(first);
    expect(cache.get(vopa, rowsOf((t) => t % 10 === 0))).toBe(first); // rows it holds: no work
    expect(cache.computed).toBe(2);
    const second = cache.get(vopa, b);
    expect(second).not.toBe(first);
    expect(cache.computed).toBe(4); // the z-score and its input, again
    expect(first).toEqual(kept);
    const union = rowsOf((t) => t % 5 === 0 || t % 3 === 0);
    expect(cache.rowsHeld(vopa.key)).toEqual(union);
    expect(cache.rowsHeld(value.key)).toEqual(union);
    expectRows(second, wholeVopa, union, 'union');
    const third = cache.get(vopa);
    expect(cache.rowsHeld(vopa.key)).toBeUndefined();
    expect(cache.rowsHeld(value.key)).toBeUndefined();
    expectRows(third, wholeVopa, rowsOf(() => true), 'whole');
    expect(cache.get(vopa, a)).toBe(third); // every row covers any rows
  });

  it('hands out whole factors only; put() with rows holds them as such; retain() forgets them', () => {
    const rows = rowsOf((t) => t % 5 === 0);
    const cache = new FactorCache(panel, { universe });
    const close: Factor = { key: 'close', create: ({ n: k }) => (history, out) => { const c = history.row('close'); for (let i = 0; i < k; i++) out[i] = c[i]!; } };
    cache.get(close, rows); // not sparse: whole
    const sparse = cache.get(vopa, rows);
    expect([...cache.entries()].map(([key]) => key)).toEqual(['close']);
    const other = new FactorCache(panel, { universe });
    other.put(vopa.key, sparse, rows);
    expect(other.rowsHeld(vopa.key)).toBe(rows);
    expect(other.get(vopa, rowsOf((t) => t % 10 === 0))).toBe(sparse);
    expect(other.computed).toBe(0);
    expect(other.get(vopa)).not.toBe(sparse); // every row: computed here
    other.put('close', cache.get(close));
    expect(other.rowsHeld('close')).toBeUndefined();
    const third = new FactorCache(panel, { universe });
    third.put(vopa.key, sparse, rows);
    third.put('close', cache.get(close));
    expect([...third.entries()].map(([key]) => key)).toEqual(['close']); // the whole one only
    third.put(vopa.key, other.get(vopa)); // the same key again, now whole
    expect(third.rowsHeld(vopa.key)).toBeUndefined();
    expect([...third.entries()].map(([key]) => key)).toEqual([vopa.key, 'close']);
    cache.retain(new Set(['close']));
    expect(cache.rowsHeld(vopa.key)).toBeUndefined();
    expect(cache.has(vopa.key)).toBe(false);
  });
});
