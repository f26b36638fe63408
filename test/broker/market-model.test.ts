import { describe, expect, it } from 'vitest';
import { MarketModel, type MarketData } from '../../src/broker/market-model.ts';

/**
 * The market model alone, on a hand-made market of 3 columns × 5 bars (time-major), with σ and ADV
 * worked out here by hand over the 3 bars before the fill day (the definitions of
 * broker/market-stats.ts): what a fill may trade, what it pays in impact, and what it counts.
 */
const NaN_ = Number.NaN;
// column 0: volumes 100, 200, 300, 400, —; closes 10, 11, 10, 12, 12
// column 1: no volume at all; closes 20, 20, 21, 20, 22
// column 2: volume 0 every day (ADV 0); closes 5, 5.5, 5, 6, 6
const close = Float64Array.of(10, 20, 5, 11, 20, 5.5, 10, 21, 5, 12, 20, 6, 12, 22, 6);
const volume = Float64Array.of(100, NaN_, 0, 200, NaN_, 0, 300, NaN_, 0, 400, NaN_, 0, NaN_, NaN_, 0);
function market(shares?: (t: number) => Float64Array | undefined): MarketData {
  return { close, volume, n: 3, sharesOutstanding: shares ?? (() => undefined) };
}
/** σ (n − 1) of column 0's returns over bars 1…3 (before fill day 4) and 2…4 (before 5): by hand. */
function sd(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}
const r0 = [11 / 10 - 1, 10 / 11 - 1, 12 / 10 - 1];
const adv4 = (200 + 300 + 400) / 3;

describe('MarketModel on a hand-made market', () => {
  it('is active only with a limit or an impact model', () => {
    expect(new MarketModel(market(), {}).active).toBe(false);
    expect(new MarketModel(market(), { maxParticipation: 0.1 }).active).toBe(true);
    expect(new MarketModel(market(), { impact: 'sqrt' }).active).toBe(true);
    expect(new MarketModel(market(), { impact: 'none' }).active).toBe(false);
  });

  it('limit: no limit is Infinity; else P × the day\'s volume, P × ADV without it, NaN without either', () => {
    const free = new MarketModel(market(), { impact: 'sqrt' });
    free.at(3);
    expect(free.limit(0)).toBe(Infinity);
    const m = new MarketModel(market(), { maxParticipation: 0.1, advDays: 3 });
    m.at(3);
    expect(m.limit(0)).toBeCloseTo(40, 12); // 10 % of 400
    m.at(4); // no volume on bar 4: 10 % of the ADV of bars 1–3
    expect(m.limit(0)).toBeCloseTo(0.1 * adv4, 12);
    expect(m.limit(1)).toBeNaN(); // no volume ever: cannot trade under a limit
  });

  it('impact: none, or 0 shares, is 0 and counts nothing; sqrt is k σ √(|X| / ADV) with σ and ADV of the days before', () => {
    const none = new MarketModel(market(), {});
    none.at(4);
    expect(none.impactOf(0, 50)).toBe(0);
    const asked: number[] = [];
    const m = new MarketModel(market((t) => { asked.push(t); return undefined; }), { impact: 'sqrt', impactK: 0.5, advDays: 3 });
    m.at(4);
    expect(asked).toEqual([]); // shares outstanding are Almgren's alone
    expect(m.impactOf(1, 0)).toBe(0); // no data, but no fill either: nothing counted
    expect(m.noImpactData).toBe(0);
    expect(m.impactOf(0, -90)).toBeCloseTo(0.5 * sd(r0) * Math.sqrt(90 / adv4), 12);
  });

  it('a fill without the data is charged nothing and counted once, unless asked not to count; an ADV of 0 is no data', () => {
    const m = new MarketModel(market(), { impact: 'sqrt', advDays: 3 });
    m.at(4);
    expect(m.impactOf(1, 10)).toBe(0); // no volume
    expect(m.impactOf(2, 10)).toBe(0); // ADV 0 (√(X / 0) would be infinite)
    expect(m.noImpactData).toBe(2);
    expect(m.impactOf(1, 10, false)).toBe(0);
    expect(m.noImpactData).toBe(2);
  });

  it('almgren: with shares outstanding from the fill day\'s season, the (Θ/V)^¼ term; a Θ of 0 or none is counted', () => {
    const theta = Float64Array.of(9000, 1, 0);
    const asked: number[] = [];
    const m = new MarketModel(market((t) => { asked.push(t); return theta; }), { impact: 'almgren', advDays: 3, impactHorizon: 0.5 });
    m.at(1); // the first fill day may be bar 1: its shares are read
    m.at(4);
    m.at(4); // the same day again: not read again
    expect(asked).toEqual([1, 4]);
    const X = 90, s = sd(r0), V = adv4;
    const permanent = 0.314 * s * (X / V) * Math.sqrt(Math.sqrt(9000 / V));
    const temporary = 0.142 * s * Math.abs(X / (V * 0.5)) ** 0.6;
    expect(m.impactOf(0, X)).toBeCloseTo(permanent / 2 + temporary, 12);
    expect(m.noShares).toBe(0);
    const zero = new MarketModel(market(() => Float64Array.of(0, 0, 0)), { impact: 'almgren', advDays: 3 });
    zero.at(4);
    zero.impactOf(0, X);
    expect(zero.noShares).toBe(1);
    const unknown = new MarketModel(market(), { impact: 'almgren', advDays: 3 });
    unknown.at(4);
    unknown.impactOf(0, X);
    unknown.impactOf(0, X, false);
    expect(unknown.noShares).toBe(1);
  });
});
