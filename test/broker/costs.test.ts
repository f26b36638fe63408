import { describe, expect, it } from 'vitest';
import { commission, costModel, executionPrice } from '../../src/broker/costs.ts';
import { almgrenImpact, almgrenPermanent, almgrenTemporary, sqrtImpact, turnoverTerm } from '../../src/broker/impact.ts';
import { parseCostOptions } from '../../src/config/cost-options.ts';
import { averageVolume, dailyVolatility, WindowStats } from '../../src/broker/market-stats.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { affordable, rebalance, rebalanceScratch, type Fill } from '../../src/broker/rebalance.ts';

const bp = (fraction: number) => fraction * 10_000;

describe('market impact', () => {
  it("Almgren et al. (2005), the paper's IBM example: σ = 1.57 %, Θ/V = 263, 10 % of a day's volume", () => {
    // Worked by hand: (Θ/V)^¼ = 263^0.25 = 4.02707…; I = 0.314 × 0.0157 × 0.1 × 4.02707 = 19.85 bp;
    // h = 0.142 × 0.0157 × (0.1 / T)^0.6 = 22.29, 14.71, 8.49 bp for T = 10 %, 20 %, 50 % of a day.
    const sigma = 0.0157, adv = 1_000_000, x = 100_000;
    const term = turnoverTerm(263 * adv, adv);
    expect(term).toBeCloseTo(Math.pow(263, 0.25), 12);
    const permanent = almgrenPermanent(sigma, x, adv, term);
    expect(Math.round(bp(permanent))).toBe(20); // the paper: permanent ≈ 20 bp
    const temporary = [0.1, 0.2, 0.5].map((T) => almgrenTemporary(sigma, x, adv, T));
    expect(temporary.map((h) => Math.round(bp(h)))).toEqual([22, 15, 8]); // the paper: 22, 15, 8 bp
    const total = [0.1, 0.2, 0.5].map((T) => almgrenImpact(sigma, x, adv, T, term));
    expect(total.map((m) => Math.round(bp(m)))).toEqual([32, 25, 18]); // the paper: ≈ 32, 25, 18 bp
    // and to the last digit against the formula written out here
    const byHand = (T: number) => (0.314 * 0.0157 * 0.1 * Math.pow(263, 0.25)) / 2 + 0.142 * 0.0157 * Math.pow(0.1 / T, 3 / 5);
    [0.1, 0.2, 0.5].forEach((T, k) => expect(total[k]).toBeCloseTo(byHand(T), 15));
  });

  it('without shares outstanding the (Θ/V)^¼ term is 1; it is symmetric in the trade\'s sign', () => {
    expect(turnoverTerm(NaN, 1000)).toBe(1);
    expect(turnoverTerm(0, 1000)).toBe(1);
    // nor without a volume to divide by (no trading in the window): 1, not ∞
    expect(turnoverTerm(1e6, 0)).toBe(1);
    expect(turnoverTerm(1e6, NaN)).toBe(1);
    expect(almgrenImpact(0.02, -500, 10_000, 1, 1)).toBe(almgrenImpact(0.02, 500, 10_000, 1, 1));
  });

  it('--impact takes none (the default), sqrt or almgren, and names them when given anything else', () => {
    expect(parseCostOptions().impact).toBe('none');
    for (const model of ['none', 'sqrt', 'almgren']) expect(parseCostOptions({ impact: model }).impact).toBe(model);
    for (const bad of ['', 'linear']) expect(() => parseCostOptions({ impact: bad })).toThrow(`--impact ${bad}: must be one of none, sqrt, almgren`);
  });

  it('the square-root law: k σ √(X/V)', () => {
    // 2,500 shares of a stock trading 1,000,000 a day with σ = 2 %: √0.0025 = 0.05, so 0.7 × 0.02 × 0.05 = 7 bp.
    expect(bp(sqrtImpact(0.7, 0.02, 2_500, 1_000_000))).toBeCloseTo(7, 12);
    expect(sqrtImpact(1, 0.02, -2_500, 1_000_000)).toBe(sqrtImpact(1, 0.02, 2_500, 1_000_000));
  });
});

describe('market statistics are causal: the days before the fill day', () => {
  // 3 symbols, 6 bars; column 1 is checked.
  const n = 3;
  const closes = [10, 11, 9.9, 10.89, NaN, 11.979];
  const volumes = [100, 200, NaN, 400, 500, 600];
  const close = new Float64Array(18).fill(7), volume = new Float64Array(18).fill(1e9);
  closes.forEach((c, t) => { close[t * n + 1] = c; });
  volumes.forEach((v, t) => { volume[t * n + 1] = v; });

  it('ADV: the mean of the volumes given over bars t − days … t − 1', () => {
    expect(averageVolume(volume, n, 1, 5, 3)).toBe(450); // bars 2, 3, 4: bar 2's is missing
    expect(averageVolume(volume, n, 1, 2, 20)).toBe(150); // only two bars before
    expect(averageVolume(volume, n, 1, 0, 20)).toBeNaN(); // none before the first bar
  });

  it('σ: sample sd of the returns ending the day before, both closes needed', () => {
    // bars 1–3: returns +10 %, −10 %, +10 % (bar 4 is missing, so t = 5 adds none)
    const r = [0.1, -0.1, 0.1];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(dailyVolatility(close, n, 1, 4, 3)).toBeCloseTo(sd, 12);
    expect(dailyVolatility(close, n, 1, 6, 5)).toBeCloseTo(sd, 12); // r(4), r(5) need bar 4's close
    expect(dailyVolatility(close, n, 1, 2, 5)).toBeNaN(); // one return only
  });
});

describe('the sliding window the simulation keeps gives the definitions\' values', () => {
  it('on consecutive bars (sliding) and after gaps (afresh), with missing closes and volumes, to 1e-12', () => {
    const market = generateSampleMarket({ seed: 5, symbols: 12, from: '2024-01-01', to: '2024-12-31', listings: 2, delistings: 2 });
    const panel = samplePanel(market);
    const n = panel.symbols.length, bars = panel.dates.length;
    for (let k = 0; k < panel.volume.length; k += 7) panel.volume[k] = NaN; // holes in the volumes too
    const stats = new WindowStats(panel.close, panel.volume, n, 15);
    let seed = 3;
    const next = () => (seed = (seed * 16807) % 2147483647);
    let checked = 0;
    for (let t = 0; t < bars; t++) {
      for (let i = 0; i < n; i++) {
        if (i % 3 !== 0 && next() % 4 === 0) continue; // some columns every day, others with gaps
        stats.at(i, t);
        const adv = averageVolume(panel.volume, n, i, t, 15), sigma = dailyVolatility(panel.close, n, i, t, 15);
        for (const [got, want] of [[stats.adv[i]!, adv], [stats.sigma[i]!, sigma]] as const) {
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
});

describe('commission: bps, per share and a minimum', () => {
  const c = costModel(5, 0, { commissionPerShare: 0.005, minCommission: 1 });

  it('max(M, X × |q| + c × |q × price|), per fill', () => {
    expect(commission(1000, 20, c)).toBeCloseTo(1000 * 0.005 + 20_000 * 0.0005, 12); // 5 + 10 = 15
    expect(commission(-100, 20, c)).toBeCloseTo(0.5 + 1, 12); // 1.5: above the minimum
    expect(commission(-10, 20, c)).toBe(1); // 0.05 + 0.1 = 0.15: the minimum
    expect(commission(0, 20, c)).toBe(0); // no fill, no fee
  });

  it('with spread, per-share and minimum at 0, the plain bps model to the bit', () => {
    const plain = costModel(7, 3);
    for (const [q, p] of [[123, 45.67], [-77, 3.1], [1, 1e4]] as const) {
      expect(executionPrice(p, q, plain)).toBe(q > 0 ? p * (1 + 0.0003) : p * (1 - 0.0003));
      expect(commission(q, p, plain)).toBe(Math.abs(q * p) * 0.0007);
    }
  });

  it('half the quoted spread moves the price, beside slippage and impact', () => {
    const m = costModel(0, 1, { spreadBps: 4 }); // 1 bp slippage + 2 bp half-spread + 5 bp impact
    expect(executionPrice(100, 10, m, 0.0005)).toBeCloseTo(100 * 1.0008, 12);
    expect(executionPrice(100, -10, m, 0.0005)).toBeCloseTo(100 * 0.9992, 12);
  });

  it('the cash buys the largest d with max(d × p + M, d × (p(1 + c) + X)) ≤ cash', () => {
    // p = 10, c = 5 bp, X = 0.005: a share costs 10.01 → floor(1000 / 10.01) = 99; the minimum (1) allows floor(999 / 10) = 99.
    expect(affordable(1000, 10, c, false)).toBe(99);
    // 15 of cash: floor(15 / 10.01) = 1 share, but 10 + 1 (the minimum) = 11 ≤ 15: 1; with 10.5 the minimum leaves 9.5: 0 shares.
    expect(affordable(15, 10, c, false)).toBe(1);
    expect(affordable(10.5, 10, c, false)).toBe(0);
    // by brute force over d
    for (const cash of [3, 57.3, 999, 1234.5]) {
      let best = 0;
      for (let d = 1; d < 200; d++) if (d * 10 + commission(d, 10, c) <= cash) best = d;
      expect(affordable(cash, 10, c, false), `cash ${cash}`).toBe(best);
    }
  });

  it('a rebalance pays them: a buy cut so that shares, per-share fees and the minimum fit the cash', () => {
    const p = new Portfolio(1000, 1);
    const fills: Fill[] = [];
    rebalance(p, Float64Array.of(1), Float64Array.of(10), Float64Array.of(10), rebalanceScratch(1), {
      fractional: false, costs: c, onFill: (f) => fills.push(f), onSkip: () => {},
    });
    // 100 shares wanted; each costs 10 + 0.005 + 0.005 = 10.01: 99 fit (fee 0.495 + 0.495 = 0.99 < 1: the minimum, 1).
    expect(fills.map((f) => [f.quantity, f.price, f.fee, f.asked])).toEqual([[99, 10, 1, 100]]);
    expect(p.cash).toBeCloseTo(1000 - 990 - 1, 12);
  });
});
