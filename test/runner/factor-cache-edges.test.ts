import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { withWhole } from '../../src/factors/whole.ts';
import type { Eligibility } from '../../src/panel/eligibility.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { mulberry32 as rng } from '../support/random.ts';

/**
 * The factor cache against computing each factor directly: values masked to NaN outside the day's
 * membership (so a factor fed by another sees members only), NaN where a factor writes nothing, for
 * cross-sections of a few symbols (rows handed over as copies) and of more (views), with and without
 * reusing released arrays, and for a factor that carries a whole-window computation.
 */


interface Market { panel: Panel; n: number; bars: number; mask: Uint8Array; universe: Eligibility }

/** n symbols, `bars` bars of closes; a rolling membership (about one cell in four out). */
function market(n: number, bars: number, seed: number): Market {
  const r = rng(seed);
  const symbols = Array.from({ length: n }, (_, i) => `S${String(i).padStart(2, '0')}`);
  const panel = handPanel({
    dates: businessDates('2024-01-01', bars),
    symbols,
    close: Array.from({ length: bars }, () => symbols.map(() => 1 + Math.floor(r() * 100))),
  });
  const mask = Uint8Array.from({ length: bars * n }, () => (r() < 0.25 ? 0 : 1));
  const season = panel.seasons[0]!;
  const universe: Eligibility = { all: false, mask, span: () => season };
  return { panel, n, bars, mask, universe };
}

/** close × k; counts its step's creations. */
function scaled(k: number, calls = { n: 0 }): Factor {
  return { key: `scaled(${k})`, create: ({ n }) => { calls.n++; return (h, out) => { const c = h.row('close'); for (let i = 0; i < n; i++) out[i] = c[i]! * k; }; } };
}

/** Its input minus close: sees the input's masked row. */
function minusClose(input: Factor): Factor {
  return { key: `minusClose(${input.key})`, inputs: [input], create: ({ n }) => (h, out, [a]) => { const c = h.row('close'); for (let i = 0; i < n; i++) out[i] = a![i]! - c[i]!; } };
}

/** Writes only odd columns on even bars (close + t); everything else left unwritten. */
const sparse: Factor = { key: 'sparse', create: ({ n }) => (h, out) => { if (h.t % 2 === 0) for (let i = 1; i < n; i += 2) out[i] = h.close(i) + h.t; } };

/** The direct computation of a factor's cell, masked. */
function direct(m: Market, f: (t: number, i: number, close: number) => number): number[] {
  const out: number[] = [];
  for (let t = 0; t < m.bars; t++) for (let i = 0; i < m.n; i++) out.push(m.mask[t * m.n + i] ? f(t, i, m.panel.close[t * m.n + i]!) : NaN);
  return out;
}

const SIZES = [1, 2, 7, 8, 9, 12, 40];

describe('the factor cache against the direct computation', () => {
  it('masks every row to the day\'s members, for inputs too, at every cross-section size', () => {
    for (const n of SIZES) {
      const m = market(n, 9, n);
      const cache = new FactorCache(m.panel, { universe: m.universe });
      expect(Array.from(cache.get(scaled(3))), `n ${n}`).toEqual(direct(m, (_t, _i, c) => c * 3));
      // The input is masked before the derived factor reads it: NaN wherever the day's member is out.
      expect(Array.from(cache.get(minusClose(scaled(3)))), `n ${n}`).toEqual(direct(m, (_t, _i, c) => c * 2));
      expect(Array.from(cache.get(sparse)), `n ${n}`).toEqual(direct(m, (t, i, c) => (t % 2 === 0 && i % 2 === 1 ? c + t : NaN)));
    }
  });

  it('a released array reused for the next factor holds none of its old values', () => {
    for (const n of SIZES) {
      const m = market(n, 6, 100 + n);
      const cache = new FactorCache(m.panel, { universe: m.universe });
      const old = cache.get(scaled(5));
      cache.retain(new Set(), { reuse: true });
      const next = cache.get(sparse);
      expect(next.buffer, `n ${n}`).toBe(old.buffer);
      expect(Array.from(next), `n ${n}`).toEqual(direct(m, (t, i, c) => (t % 2 === 0 && i % 2 === 1 ? c + t : NaN)));
    }
  });

  it('releases with reuse add up, and each next factor takes one of them', () => {
    const m = market(12, 5, 7);
    const cache = new FactorCache(m.panel, { universe: m.universe });
    const size = 12 * 5 * 8;
    const a = cache.get(scaled(1));
    cache.retain(new Set(), { reuse: true });
    const b = cache.get(scaled(2)); // written into a's array
    expect(b.buffer).toBe(a.buffer);
    const c = cache.get(scaled(3)); // a new one
    expect(cache.retain(new Set(['scaled(3)']), { reuse: true })).toBe(1);
    expect(cache.retain(new Set(), { reuse: true })).toBe(1);
    expect(cache.bytes).toBe(2 * size); // both spare: the second release did not drop the first's
    const reused = [cache.get(scaled(4)).buffer, cache.get(scaled(5)).buffer];
    expect(reused).toContain(b.buffer);
    expect(reused).toContain(c.buffer);
    expect(Array.from(cache.get(scaled(5)))).toEqual(direct(m, (_t, _i, x) => x * 5));
  });

  it('a release without reuse lets the spare arrays go too: the next factor gets new memory', () => {
    const m = market(12, 5, 8);
    const cache = new FactorCache(m.panel, { universe: m.universe });
    const size = 12 * 5 * 8;
    const a = cache.get(scaled(1));
    cache.get(scaled(2));
    cache.retain(new Set(['scaled(2)']), { reuse: true });
    expect(cache.bytes).toBe(2 * size);
    expect(cache.retain(new Set(['scaled(2)']))).toBe(0);
    expect(cache.bytes).toBe(size); // a's spare array let go though nothing new was released
    expect(cache.get(scaled(3)).buffer).not.toBe(a.buffer);
    expect(cache.bytes).toBe(2 * size);
  });

  it('a factor with a whole-window computation is computed in one call, never stepped, and masked', () => {
    for (const n of [3, 12]) {
      const m = market(n, 7, 200 + n);
      const calls = { n: 0 };
      let wholeCalls = 0;
      const factor = withWhole(scaled(6, calls), ({ panel, out }) => { wholeCalls++; for (let c = 0; c < out.length; c++) out[c] = panel.close[c]! * 6; });
      const cache = new FactorCache(m.panel, { universe: m.universe });
      expect(Array.from(cache.get(factor)), `n ${n}`).toEqual(direct(m, (_t, _i, c) => c * 6));
      expect([wholeCalls, calls.n, cache.computed]).toEqual([1, 0, 1]);
    }
  });
});
