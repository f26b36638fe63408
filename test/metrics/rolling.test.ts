import { describe, expect, it } from 'vitest';
import { rollingBeta, rollingSharpe, rollingVolatility } from '../../src/metrics/rolling.ts';
import { near, normals, referenceBenchmark, referenceStrategy, uniform } from './series.ts';

const SQRT252 = Math.sqrt(252);

/** The obvious implementation: re-sum every window (two passes), O(n × w). */
function direct(r: ArrayLike<number>, b: ArrayLike<number>, w: number, rf = 0) {
  const n = r.length;
  const vol = new Float64Array(n).fill(NaN), sharpe = new Float64Array(n).fill(NaN), beta = new Float64Array(n).fill(NaN);
  for (let k = w - 1; k < n; k++) {
    let mr = 0, mb = 0;
    for (let i = k - w + 1; i <= k; i++) {
      mr += r[i]!;
      mb += b[i]!;
    }
    mr /= w;
    mb /= w;
    let ssr = 0, ssb = 0, c = 0, stillB = true;
    for (let i = k - w + 1; i <= k; i++) {
      if (b[i] !== b[k]) stillB = false;
      ssr += (r[i]! - mr) ** 2;
      ssb += (b[i]! - mb) ** 2;
      c += (r[i]! - mr) * (b[i]! - mb);
    }
    const sd = Math.sqrt(ssr / (w - 1));
    vol[k] = sd * SQRT252;
    if (sd > 0) sharpe[k] = ((mr - rf) / sd) * SQRT252;
    if (!stillB) beta[k] = c / ssb; // a still benchmark's ssb is rounding (0.001 × 63 / 63 ≠ 0.001)
  }
  return { vol, sharpe, beta };
}

function maxRelativeError(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    if (Number.isNaN(b[k]!)) {
      expect(a[k]).toBeNaN();
      continue;
    }
    worst = Math.max(worst, Math.abs(a[k]! - b[k]!) / Math.max(1e-3, Math.abs(b[k]!)));
  }
  return worst;
}

describe('rolling statistics by hand (window 3)', () => {
  const r = [0.01, 0.02, 0.03, -0.01, 0.05];
  const b = [0.01, 0.01, 0.02, 0.00, 0.03];

  it('NaN until the window is full; then the trailing window ending on that day', () => {
    const vol = rollingVolatility(r, 3);
    expect(vol[0]).toBeNaN();
    expect(vol[1]).toBeNaN();
    // [1, 2, 3] %: sd 1 %; [2, 3, −1] %: mean 4/3 %, sd √((4/9 + 25/9 + 49/9)/2) % = √(78/18) %
    expect(vol[2]).toBeCloseTo(0.01 * SQRT252, 14);
    expect(vol[3]).toBeCloseTo(0.01 * Math.sqrt(78 / 18) * SQRT252, 14);
    expect(rollingSharpe(r, 3)[2]).toBeCloseTo(2 * SQRT252, 12);
    expect(rollingSharpe(r, 3, 0.01)[2]).toBeCloseTo(1 * SQRT252, 12);
  });

  it('beta of the strategy\'s [1, 2, 3] % on the benchmark\'s [1, 1, 2] %: 1.5', () => {
    // b window [1, 1, 2] %: mean 4/3, db = [−1/3, −1/3, 2/3]; r window [1, 2, 3] %: dr = [−1, 0, 1]
    // Σ db·dr = 1/3 + 2/3 = 1, Σ db² = 1/9 + 1/9 + 4/9 = 2/3 (in %²): beta = 1.5
    expect(rollingBeta(r, b, 3)[2]).toBeCloseTo(1.5, 12);
    expect(rollingBeta(r, b, 3)[1]).toBeNaN();
  });

  it('a window shorter than the series gives all NaN; a window under 2 is refused', () => {
    expect(Array.from(rollingVolatility([0.01, 0.02], 3))).toEqual([NaN, NaN]);
    expect(() => rollingVolatility(r, 1)).toThrow('rolling window must be an integer ≥ 2, got 1');
    expect(() => rollingSharpe(r, 1)).toThrow(RangeError);
    expect(() => rollingBeta(r, b, 2.5)).toThrow(RangeError);
  });

  it('the smallest window, 2 days', () => {
    // [1, 3] %: mean 2 %, sd √((1 + 1) / 1) % = √2 %; [3, 2] %: mean 2.5 %, sd √(0.25 + 0.25) % = √0.5 %
    const vol = rollingVolatility([0.01, 0.03, 0.02], 2);
    expect(vol[0]).toBeNaN();
    expect(vol[1]).toBeCloseTo(0.01 * Math.SQRT2 * SQRT252, 14);
    expect(vol[2]).toBeCloseTo(0.01 * Math.sqrt(0.5) * SQRT252, 14);
    expect(rollingSharpe([0.01, 0.03, 0.02], 2)[1]).toBeCloseTo((2 / Math.SQRT2) * SQRT252, 12);
    // b [1, 2] %, r [3, 5] %: Σ db·dr = 0.5 · 1 + 0.5 · 1 = 1, Σ db² = 0.5 (in %²): beta 2
    expect(rollingBeta([0.03, 0.05], [0.01, 0.02], 2)[1]).toBeCloseTo(2, 12);
  });
});

/** The double `steps` below x > 0 (its bit pattern less `steps`). */
function below(x: number, steps: number): number {
  const f = Float64Array.of(x);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! - BigInt(steps);
  return f[0]!;
}

describe('rolling statistics at rounding\'s edge', () => {
  it('returns that differ only in their last bits: volatility about 0 and never NaN, Sharpe and beta empty rather than infinite', () => {
    // 0.1 % a day, twice a few doubles lower: the windows holding those have a spread of about 1e−18, and the
    // running M₂ of the window that holds one of them can round below 0
    const x = 0.001;
    const flat = [x, x, x, x, below(x, 4), below(x, 1), x, x, x, x];
    const other = [0.01, -0.02, 0.03, 0.015, -0.01, 0.02, 0.005, -0.015, 0.01, 0.02];
    const vol = rollingVolatility(flat, 3), sharpe = rollingSharpe(flat, 3), beta = rollingBeta(other, flat, 3);
    for (let k = 2; k < flat.length; k++) {
      expect(vol[k]).toBeGreaterThanOrEqual(0); // NaN fails this too
      expect(vol[k]).toBeLessThan(1e-15);
      expect(Math.abs(sharpe[k]!)).not.toBe(Infinity);
      expect(Math.abs(beta[k]!)).not.toBe(Infinity);
    }
    expect(vol[3]).toBe(0); // [x, x, x]: constant, exactly
  });

  it('a benchmark holding still starts beta afresh: what came before leaves no rounding behind', () => {
    // 12 volatile days, 6 with the benchmark still at 2⁻¹⁰, then the benchmark steps by 2⁻²⁰ every other day and the
    // strategy returns exactly twice it: over a window of those days Cov(r, b) = 2 Var(b), beta 2 (the values are
    // short binary fractions, so only what the volatile days left in the running sums could move it)
    const u = uniform(3);
    const w = 4, still = 2 ** -10, step = 2 ** -20;
    const b: number[] = [], r: number[] = [];
    for (let k = 0; k < 12; k++) {
      b.push((u() - 0.5) * 0.04);
      r.push((u() - 0.5) * 0.04);
    }
    for (let k = 0; k < 6; k++) {
      b.push(still);
      r.push((u() - 0.5) * 0.04);
    }
    for (let k = 0; k < 8; k++) {
      b.push(still + (k % 2) * step);
      r.push(2 * b[b.length - 1]!);
    }
    const beta = rollingBeta(r, b, w);
    expect(beta[17]).toBeNaN(); // the last window of the still days
    for (let k = 18 + w - 1; k < b.length; k++) expect(Math.abs(beta[k]! - 2)).toBeLessThan(1e-10);
  });
});

describe('rolling statistics in O(n) against re-summing every window', () => {
  // 5,000 days with a flat stretch (a strategy in cash) and a benchmark holding still for a while
  const n = 5000, w = 63;
  const r = normals(21, n, 0.0004, 0.012);
  const b = normals(22, n, 0.0003, 0.01);
  r.fill(0, 1500, 1700);
  b.fill(0.001, 3000, 3100);
  for (let k = 0; k < n; k++) r[k] = r[k]! + 0.5 * b[k]!;
  r.fill(0, 1500, 1700);
  const rf = 0.0001;
  const want = direct(r, b, w, rf);

  it('volatility, Sharpe and beta agree to 1e−10 on every day', () => {
    expect(maxRelativeError(rollingVolatility(r, w), want.vol)).toBeLessThan(1e-10);
    expect(maxRelativeError(rollingSharpe(r, w, rf), want.sharpe)).toBeLessThan(1e-10);
    expect(maxRelativeError(rollingBeta(r, b, w), want.beta)).toBeLessThan(1e-10);
  });

  it('a window entirely in cash: volatility exactly 0, Sharpe undefined; a still benchmark: beta undefined', () => {
    const vol = rollingVolatility(r, w), sharpe = rollingSharpe(r, w, rf), beta = rollingBeta(r, b, w);
    expect(vol[1699]).toBe(0);
    expect(sharpe[1699]).toBeNaN();
    expect(beta[3099]).toBeNaN();
    // and afterwards the statistics are back, the flat stretch's rounding gone
    expect(vol[1700]).toBeGreaterThan(0);
    expect(Number.isFinite(beta[3100]!)).toBe(true);
  });
});

describe('against pandas rolling (pyfolio\'s rolling_volatility and rolling_sharpe) and empyrical beta', () => {
  // pandas 1.5.3, numpy 1.24.2, empyrical 0.5.5 (commit 40f61b4f229df10898d46d08f7b1bdc543c0f99c), on the 100-day series
  //   b = np.array([((k * 17 % 29) - 14) / 1000 for k in range(100)])
  //   r = np.array([1.3 * (((k * 17 % 29) - 14) / 1000) + ((k * 11 % 13) - 6) / 2000 + 0.0003 for k in range(100)])
  //   s = pd.Series(r)
  //   s.rolling(63).std() * np.sqrt(252); s.rolling(63).mean() / s.rolling(63).std() * np.sqrt(252)
  //   ep.beta(r[k - 62:k + 1], b[k - 62:k + 1])   # the 63 days ending on day k (pyfolio's own rolling_beta
  //                                               # slices loc[beg:end], 64 days: an off-by-one we do not copy)
  const PANDAS: Record<number, { vol: number; sharpe: number; beta: number }> = {
    62: { vol: 0.17857382678573933, sharpe: 0.02463966908924106, beta: 1.3130625812148666 },
    80: { vol: 0.1790080733446976, sharpe: 0.5966211355973103, beta: 1.3221388979458755 },
    99: { vol: 0.17745707340995395, sharpe: 0.3155692750022493, beta: 1.304059000861327 },
  };
  const r = referenceStrategy(100), b = referenceBenchmark(100);

  it('days 62 (the first full window), 80 and 99', () => {
    const vol = rollingVolatility(r), sharpe = rollingSharpe(r), beta = rollingBeta(r, b);
    expect(vol[61]).toBeNaN();
    for (const [day, v] of Object.entries(PANDAS)) {
      const k = Number(day);
      expect(near(vol[k]!, v.vol, 1e-11)).toBe(true);
      expect(near(sharpe[k]!, v.sharpe, 1e-10)).toBe(true);
      expect(near(beta[k]!, v.beta, 1e-11)).toBe(true);
    }
  });
});
