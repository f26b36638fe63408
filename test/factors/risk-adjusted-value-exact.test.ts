import { describe, expect, it } from 'vitest';
import { riskAdjustedValue } from '../../src/factors/risk-adjusted-value.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { exactValue, ulpsApart } from './exact-value.ts';

/**
 * VOPA's value against its exact value, correctly rounded (./exact-value.ts: BigInt sums of the window's
 * returns, which are doubles and so exact dyadic rationals), at every bar, on windows chosen so that a
 * sum or a product carried without its low-order part shows:
 * - `near guard`: returns 1.2 % ± 0.1 %, |mean| / sd ≈ 12, so L·Σr² is ~150 times the variance term
 *   D = L·Σr² − (Σr)² the value is the root of: an error of one ulp in L·Σr² or (Σr)² is ~150 ulps of D;
 * - `steep`: 1.2 % ± 0.02 %, |mean| / sd ≈ 60: beyond what the sums may compute (the module sends such
 *   windows to the direct two-pass formula), and ~3,600 ulps of D per ulp of the sums if it did not;
 * - `seesaw`: returns of ±50 % plus 10⁻⁹ noise, so Σr is ~10⁻⁸ while its terms are ½: the running sum must
 *   be exact to give its leading digits;
 * - `still`: moves of 10⁻⁹ (sd ≈ 1e−9, a nearly flat price), where the squares' grid (2⁻⁸⁸) is coarse
 *   next to D; such windows are the direct formula's too;
 * - `jump`: a walk with one +250 % day (a return beyond the sums' range, |r| ≥ 2), and `walk` a plain one.
 * Off the direct formula the value's own roundings (mean, quotient, √, ×√252) are ~3 ulps and the squares'
 * rounding to 53 bits adds, on average, about ½ ulp × (L·Σr²/D) / √L — on these windows (L ≈ 252, the
 * ratio ≤ ~150) about 1 more. We allow 8 ulps; a lost low-order term costs tens to hundreds here.
 */
const SYMBOLS = ['near guard', 'steep', 'seesaw', 'still', 'walk', 'jump'];
const BARS = 700;

function market() {
  let seed = 7;
  const uniform = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const moves = [
    () => 0.012 + 0.001 * gauss(),
    () => 0.012 + 0.0002 * gauss(),
    (t: number) => (t % 2 ? 0.5 : -0.5) + 1e-9 * gauss(),
    () => 2e-10 + 1e-9 * gauss(),
    () => 0.01 * gauss(),
    (t: number) => (t === 300 ? 2.5 : 0.01 * gauss()),
  ];
  const price = moves.map(() => 100);
  const close: number[][] = [];
  for (let t = 0; t < BARS; t++) {
    if (t > 0) moves.forEach((move, i) => { price[i] = price[i]! * (1 + move(t)); });
    close.push([...price]);
  }
  return handPanel({ dates: businessDates('1999-01-04', BARS), symbols: SYMBOLS, close });
}

const PANEL = market();
const n = SYMBOLS.length;
const returnAt = (tau: number, i: number) => PANEL.close[tau * n + i]! / PANEL.close[(tau - 1) * n + i]! - 1;

describe('riskAdjustedValue against its exact value, correctly rounded', () => {
  it.each([252, 251])('L = %i: within 8 ulps at every bar of every symbol', (L) => {
    const values = new FactorCache(PANEL).get(riskAdjustedValue(L));
    for (let i = 0; i < n; i++) {
      let worst = 0, where = '';
      for (let t = 0; t < BARS; t++) {
        const got = values[t * n + i]!;
        if (t < L) { expect(got).toBeNaN(); continue; }
        const want = exactValue(Array.from({ length: L }, (_, k) => returnAt(t - L + 1 + k, i)));
        const apart = Number.isNaN(got) ? Number.POSITIVE_INFINITY : ulpsApart(got, want);
        if (apart > worst) [worst, where] = [apart, `bar ${t}: ${got} vs ${want}`];
      }
      expect(worst, `${SYMBOLS[i]}, ${where}`).toBeLessThanOrEqual(8);
    }
  });

  it('the exact reference itself: +10 %, −10 %, +10 % gives √21 (mean 1/30, sd 0.2/√3)', () => {
    // with the doubles nearest to ±0.1 the exact value is within an ulp of √21
    expect(ulpsApart(exactValue([0.1, -0.1, 0.1]), Math.sqrt(21))).toBeLessThanOrEqual(1);
    // dyadic returns: ½, −¼, ½: mean ¼, Σ(r − mean)² = 3/8, sd² = 3/16, v = ¼ / √(3/16) × √252 = √84 exactly rounded
    expect(exactValue([0.5, -0.25, 0.5])).toBe(Math.sqrt(84));
    expect(exactValue([0.25, 0.25, 0.25])).toBeNaN();
  });
});

describe('identical windows give identical values, whatever came before', () => {
  // From bar 119 on, A, B and C follow one path (scaled by powers of two, which leaves every return
  // bit-identical); before it A swung by up to +190 % / −65 % a day, B barely moved and C had no price.
  // The running sums of A and B carry very different histories into the same windows: their values
  // must still be equal bit for bit, and equal to C's, which starts afresh (exact ties stay ties, to be
  // broken by symbol, not by rounding residue).
  const bars = 260, t0 = 120;
  let seed = 11;
  const uniform = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const path = [1];
  for (let t = 1; t <= bars - t0; t++) path.push(path[t - 1]! * (1 + (t % 7 === 0 ? 0.9 * (uniform() - 0.5) : 0.02 * (uniform() - 0.5))));
  let a = 100, b = 100;
  const close: (number | null)[][] = [];
  for (let t = 0; t < bars; t++) {
    if (t < t0 - 1) {
      a *= 1 + (t % 2 ? 1.9 * uniform() : -0.65 * uniform());
      b *= 1 + 0.001 * (uniform() - 0.5);
      close.push([a, b, null]);
    } else {
      const c = path[t - t0 + 1]!;
      close.push([c * 2 ** 10, c * 2 ** -3, c]);
    }
  }
  const panel = handPanel({ dates: businessDates('2020-01-01', bars), symbols: ['A', 'B', 'C'], close });

  it.each([5, 20, 63])('L = %i', (L) => {
    const v = new FactorCache(panel).get(riskAdjustedValue(L));
    let compared = 0;
    for (let t = t0 + L - 1; t < bars; t++) {
      const [x, y, z] = [v[t * 3]!, v[t * 3 + 1]!, v[t * 3 + 2]!];
      expect(Number.isFinite(z), `bar ${t}`).toBe(true);
      expect(Object.is(x, z) && Object.is(y, z), `bar ${t}: ${x}, ${y}, ${z}`).toBe(true);
      compared++;
    }
    expect(compared).toBe(bars - t0 - L + 1);
  });
});
