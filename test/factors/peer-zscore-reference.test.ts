import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { peerZScore } from '../../src/factors/peer-zscore.ts';
import type { Eligibility } from '../../src/panel/eligibility.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { mulberry32 as rng } from '../support/random.ts';

/**
 * peerZScore against the direct formula, day by day and group by group: per peer group of the day,
 * the members with a value; a group with at least minPeers of them is scored against its own mean and
 * sd (n − 1), a smaller one against all members with a value that day; sd 0 (or fewer than two values)
 * scores 0; no value, or not a member that day, is NaN. The universe rolls: the peer groups and the
 * membership change from season to season (and come back), so the groups are regrouped by day.
 */


interface Case {
  n: number;
  bars: number;
  groupCount: number;
  /** Per bar: the peer group of each symbol that day (−1: not a member). */
  groupOf: Int32Array[];
  /** Per bar: the values handed to the z-score (NaN: no value). */
  values: number[][];
}

/** Seasons of `seasonBars` bars; the seasons' groupings cycle (0, 1, 2, 0, …), each its own array. */
function makeCase(n: number, groupCount: number, bars: number, seed: number, offset = 10, seasonBars = 4): Case {
  const r = rng(seed);
  const seasons = [0, 1, 2].map(() => Int32Array.from({ length: n }, () => (r() < 0.2 ? -1 : Math.floor(r() * groupCount))));
  const groupOf = Array.from({ length: bars }, (_, t) => seasons[Math.floor(t / seasonBars) % 3]!);
  // A constant group on some days (sd 0), ties, missing values, and an offset so no mean is near 0.
  const values = Array.from({ length: bars }, (_, t) => Array.from({ length: n }, (_, i) => {
    if (r() < 0.15) return NaN;
    if (t % 5 === 3 && groupOf[t]![i] === 0) return offset - 6;
    return offset + Math.floor(r() * 6) + (r() < 0.5 ? 0 : r());
  }));
  return { n, bars, groupCount, groupOf, values };
}

function run(c: Case, minPeers: number): Float64Array {
  const letters = Array.from({ length: c.groupCount }, (_, g) => `g${g}`);
  const symbols = Array.from({ length: c.n }, (_, i) => `S${String(i).padStart(2, '0')}`);
  const panel = handPanel({
    dates: businessDates('2024-01-01', c.bars),
    symbols,
    groups: symbols.map((_, i) => letters[i % c.groupCount]!),
    close: Array.from({ length: c.bars }, () => symbols.map(() => 1)),
  });
  const mask = new Uint8Array(c.bars * c.n);
  for (let t = 0; t < c.bars; t++) for (let i = 0; i < c.n; i++) mask[t * c.n + i] = c.groupOf[t]![i]! >= 0 ? 1 : 0;
  const universe: Eligibility = { all: false, mask, span: (t) => ({ season: Math.floor(t / 4), firstBar: 0, groupOf: c.groupOf[t]! }) };
  const given: Factor = { key: 'given', create: () => (h, out) => out.set(c.values[h.t]!) };
  return new FactorCache(panel, { universe }).get(peerZScore(given, minPeers));
}

function stats(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

function reference(c: Case, minPeers: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < c.bars; t++) {
    const groupOf = c.groupOf[t]!, x = c.values[t]!;
    const has = (i: number) => groupOf[i]! >= 0 && !Number.isNaN(x[i]!);
    const all = stats(x.filter((_, i) => has(i)));
    for (let i = 0; i < c.n; i++) {
      if (!has(i)) { out.push(NaN); continue; }
      const peers = x.filter((_, j) => has(j) && groupOf[j] === groupOf[i]);
      const { mean, sd } = peers.length >= minPeers ? stats(peers) : all;
      out.push(sd > 0 ? (x[i]! - mean) / sd : 0);
    }
  }
  return out;
}

function expectClose(actual: Float64Array, expected: number[], label: string, tolerance = 1e-12): void {
  expect(actual.length, label).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!, a = actual[k]!;
    if (Number.isNaN(e)) expect(a, `${label} cell ${k}`).toBeNaN();
    else expect(Math.abs(a - e), `${label} cell ${k}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  }
}

describe('peerZScore against the direct per-day, per-group formula', () => {
  it('agrees on rolling universes: regrouped seasons, non-members, small groups, ties, sd 0', () => {
    for (const [n, groupCount] of [[6, 2], [8, 3], [9, 3], [14, 4], [20, 5]] as const) {
      for (const minPeers of [1, 2, 3, 5]) {
        for (const seed of [1, 2, 3]) {
          const c = makeCase(n, groupCount, 24, seed * 100 + n);
          expectClose(run(c, minPeers), reference(c, minPeers), `n ${n}, groups ${groupCount}, minPeers ${minPeers}, seed ${seed}`);
        }
      }
    }
  });

  it('stays accurate on values with a large common offset and a small spread (two-pass sums)', () => {
    // Prices of ~10⁷ that differ by units: a one-pass Σx² − n·μ² would lose the spread to rounding
    // (~10⁻³ of each score here); two passes keep them within ~10⁻⁸ of the direct formula (its own rounding).
    for (const [n, groupCount] of [[8, 3], [14, 4]] as const) {
      for (const minPeers of [2, 5]) {
        const c = makeCase(n, groupCount, 24, 7 + n, 1e7);
        expectClose(run(c, minPeers), reference(c, minPeers), `offset 1e7, n ${n}, minPeers ${minPeers}`, 1e-7);
      }
    }
  });

  it('a small group falls back on all members with a value; non-members count for nothing', () => {
    // Day 0: g0 = {S00, S01, S02} (10, 20, 30), g1 = {S04} alone (50), S03 not a member (1000).
    // Day 1: regrouped: g0 = {S03, S04} (1, 3), g1 = {S00, S01, S02} (2, 4, 9), S05 not a member.
    const c: Case = {
      n: 6,
      bars: 2,
      groupCount: 2,
      groupOf: [Int32Array.of(0, 0, 0, -1, 1, -1), Int32Array.of(1, 1, 1, 0, 0, -1)],
      values: [[10, 20, 30, 1000, 50, 7], [2, 4, 9, 1, 3, 7]],
    };
    const out = Array.from(run(c, 2));
    // Day 0, S04 against all members with a value: 10, 20, 30, 50 (mean 27.5, sd √(875/3)).
    expect(out[4]).toBeCloseTo(22.5 / Math.sqrt(875 / 3), 13);
    expect(out[0]).toBeCloseTo(-1, 13);
    expect([out[3], out[5]]).toEqual([NaN, NaN]);
    // Day 1, the new groups: g0 = 1, 3 → ∓1/√2; g1 = 2, 4, 9 → mean 5, sd √13.
    expect(out[6 + 3]).toBeCloseTo(-Math.SQRT1_2, 13);
    expect(out[6 + 4]).toBeCloseTo(Math.SQRT1_2, 13);
    expect(out[6 + 2]).toBeCloseTo(4 / Math.sqrt(13), 13);
    expect(out[6 + 5]).toBeNaN();
    expectClose(run(c, 2), reference(c, 2), 'hand case');
  });
});
