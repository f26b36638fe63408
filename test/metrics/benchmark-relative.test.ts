import { describe, expect, it } from 'vitest';
import {
  alpha, beta, correlation, downCapture, informationRatio, trackingError, upCapture,
} from '../../src/metrics/benchmark-relative.ts';
import { dailyRiskFree } from '../../src/metrics/risk-free.ts';
import { sharpe } from '../../src/metrics/sharpe.ts';
import { sortino } from '../../src/metrics/sortino.ts';
import { benchmarkMetrics } from '../../src/metrics/tear-sheet.ts';
import { near, normals, referenceBenchmark, referenceStrategy } from './series.ts';

const SQRT252 = Math.sqrt(252);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

/** A second, obvious implementation: ordinary least squares of y on x from raw sums (normal equations). */
function ols(y: ArrayLike<number>, x: ArrayLike<number>): { slope: number; intercept: number } {
  const n = y.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let k = 0; k < n; k++) {
    sx += x[k]!;
    sy += y[k]!;
    sxx += x[k]! * x[k]!;
    sxy += x[k]! * y[k]!;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return { slope, intercept: (sy - slope * sx) / n };
}

/** sd from raw sums, (Σx² − (Σx)²/n) / (n − 1). */
function sdBySums(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0, ss = 0;
  for (let k = 0; k < n; k++) {
    s += x[k]!;
    ss += x[k]! * x[k]!;
  }
  return Math.sqrt((ss - (s * s) / n) / (n - 1));
}

/** empyrical's capture spelled out: annual_return of the filtered days over the benchmark's. */
function captureByFilter(r: ArrayLike<number>, b: ArrayLike<number>, keep: (x: number) => boolean): number {
  const days = Array.from(b, (_, k) => k).filter((k) => keep(b[k]!));
  const annual = (xs: number[]) => xs.reduce((g, x) => g * (1 + x), 1) ** (252 / xs.length) - 1;
  return annual(days.map((k) => r[k]!)) / annual(days.map((k) => b[k]!));
}

describe('benchmark-relative statistics, by hand (r = [2, −1, 3, 0] %, b = [1, −2, 2, 1] %)', () => {
  const r = [0.02, -0.01, 0.03, 0];
  const b = [0.01, -0.02, 0.02, 0.01];
  // r̄ = 0.01, b̄ = 0.005; deviations dr = [1, −2, 2, −1] %, db = [0.5, −2.5, 1.5, 0.5] %:
  // Σ db·dr = 0.0008, Σ db² = 0.0009, Σ dr² = 0.001.

  it('beta = 0.0008 / 0.0009 = 8/9', () => {
    expect(beta(r, b)).toBeCloseTo(8 / 9, 14);
  });

  it('alpha: daily intercept 0.01 − 8/9 × 0.005 = 1/180, compounded over 252 days', () => {
    expect(near(alpha(r, b), (1 + 1 / 180) ** 252 - 1, 1e-12)).toBe(true);
  });

  it('alpha with a risk-free rate: mean(r − r_f) − beta × mean(b − r_f), i.e. 1/180 + r_f × (beta − 1)', () => {
    const rf = 0.0002;
    expect(near(alpha(r, b, rf), (1 + 1 / 180 + rf * (8 / 9 - 1)) ** 252 - 1, 1e-12)).toBe(true);
  });

  it('tracking error and information ratio: active returns [1, 1, 1, −1] %, mean 0.5 %, sd 1 %', () => {
    expect(trackingError(r, b)).toBeCloseTo(0.01 * SQRT252, 14);
    expect(informationRatio(r, b)).toBeCloseTo(0.5 * SQRT252, 12);
  });

  it('correlation = 0.0008 / √(0.001 × 0.0009) = 0.8 / √0.9', () => {
    expect(correlation(r, b)).toBeCloseTo(0.8 / Math.sqrt(0.9), 14);
  });

  it('up capture over the 3 days b > 0, down capture over the 1 day b < 0', () => {
    expect(near(upCapture(r, b), (1.0506 ** 84 - 1) / ((1.01 * 1.02 * 1.01) ** 84 - 1), 1e-12)).toBe(true);
    expect(near(downCapture(r, b), (0.99 ** 252 - 1) / (0.98 ** 252 - 1), 1e-12)).toBe(true);
  });

  it('days the benchmark is flat are in neither capture', () => {
    const withFlat = [...r, 0.5], bFlat = [...b, 0];
    expect(upCapture(withFlat, bFlat)).toBe(upCapture(r, b));
    expect(downCapture(withFlat, bFlat)).toBe(downCapture(r, b));
  });
});

describe('benchmark-relative statistics against a second implementation (500 normal days)', () => {
  const b = normals(11, 500, 0.0004, 0.01);
  const noise = normals(12, 500, 0.0002, 0.006);
  const r = b.map((x, k) => 0.8 * x + noise[k]!);
  const rf = dailyRiskFree(0.03);

  it('beta and alpha: the OLS slope and intercept of r − r_f on b − r_f', () => {
    const fit = ols(r.map((x) => x - rf), b.map((x) => x - rf));
    expect(near(beta(r, b), fit.slope, 1e-10)).toBe(true);
    expect(near(alpha(r, b, rf), (1 + fit.intercept) ** 252 - 1, 1e-9)).toBe(true);
    expect(beta(r, b)).toBeGreaterThan(0.7);
    expect(beta(r, b)).toBeLessThan(0.9);
  });

  it('tracking error, information ratio and correlation from raw sums', () => {
    const active = r.map((x, k) => x - b[k]!);
    expect(near(trackingError(r, b), sdBySums(active) * SQRT252, 1e-10)).toBe(true);
    expect(near(informationRatio(r, b), (sum(active) / 500 / sdBySums(active)) * SQRT252, 1e-10)).toBe(true);
    const cov = (sum(r.map((x, k) => x * b[k]!)) - (sum(r) * sum(b)) / 500) / 499;
    expect(near(correlation(r, b), cov / (sdBySums(r) * sdBySums(b)), 1e-10)).toBe(true);
  });

  it('captures: the filtered days compounded and annualised', () => {
    expect(near(upCapture(r, b), captureByFilter(r, b, (x) => x > 0), 1e-10)).toBe(true);
    expect(near(downCapture(r, b), captureByFilter(r, b, (x) => x < 0), 1e-10)).toBe(true);
  });

  it('a strategy that is the benchmark: beta 1, alpha 0, correlation 1, captures 1, no tracking error', () => {
    expect(beta(b, b)).toBeCloseTo(1, 14);
    expect(alpha(b, b)).toBeCloseTo(0, 14);
    expect(correlation(b, b)).toBeCloseTo(1, 14);
    expect(upCapture(b, b)).toBe(1);
    expect(downCapture(b, b)).toBe(1);
    expect(trackingError(b, b)).toBe(0);
    expect(informationRatio(b, b)).toBeNull();
  });
});

describe('against empyrical on the same series', () => {
  // Values computed with empyrical 0.5.5 (github quantopian/empyrical, commit 40f61b4f229df10898d46d08f7b1bdc543c0f99c,
  // its pure-Python stats.py run from a snapshot; numpy 1.24.2, scipy 1.10.1, Debian python3 3.11):
  //   n = 40
  //   b = np.array([((k * 17 % 29) - 14) / 1000 for k in range(n)])
  //   r = np.array([1.3 * (((k * 17 % 29) - 14) / 1000) + ((k * 11 % 13) - 6) / 2000 + 0.0003 for k in range(n)])
  //   rf = (1 + 0.04) ** (1 / 252) - 1                      # 0.0001556498627912628
  //   ep.alpha(r, b), ep.alpha(r, b, risk_free=rf), ep.beta(r, b), ep.excess_sharpe(r, b),
  //   np.std(r - b, ddof=1) * np.sqrt(252), np.corrcoef(r, b)[0, 1], ep.up_capture(r, b), ep.down_capture(r, b),
  //   ep.sharpe_ratio(r), ep.sharpe_ratio(r, risk_free=rf), ep.sortino_ratio(r), ep.sortino_ratio(r, required_return=rf)
  const EMPYRICAL = {
    alpha: 0.05859009040077967,
    alphaRiskFree: 0.07193194372957401,
    beta: 1.319393034480364,
    excessSharpe: 0.06266520169022739, // per day: our information ratio ÷ √252
    trackingError: 0.05319773274520983,
    correlation: 0.985922093703005,
    upCapture: 1.9738786843964844,
    downCapture: 1.0661777097111584,
    sharpe: 0.22086772842989727,
    sharpeRiskFree: 0.006005030772826202,
    sortino: 0.31757390367661903,
    sortinoRiskFree: 0.008535473843881449,
    riskFree: 0.0001556498627912628,
  };
  const b = referenceBenchmark(40);
  const r = referenceStrategy(40);
  const rf = dailyRiskFree(0.04);

  it('the daily risk-free rate: (1 + R)^(1/252) − 1', () => {
    expect(rf).toBe(EMPYRICAL.riskFree);
    expect((1 + rf) ** 252).toBeCloseTo(1.04, 12); // (1 + R)^(1/252) − 1 loses ~1e−16 in the subtraction
    expect(dailyRiskFree(0)).toBe(0);
  });

  it('alpha, beta, information ratio, tracking error, correlation, captures', () => {
    expect(b[23]).toBe(0); // one flat benchmark day, in neither capture
    expect(near(alpha(r, b), EMPYRICAL.alpha, 1e-10)).toBe(true);
    expect(near(alpha(r, b, rf), EMPYRICAL.alphaRiskFree, 1e-10)).toBe(true);
    expect(near(beta(r, b), EMPYRICAL.beta, 1e-12)).toBe(true);
    expect(near(informationRatio(r, b), EMPYRICAL.excessSharpe * SQRT252, 1e-12)).toBe(true);
    expect(near(trackingError(r, b), EMPYRICAL.trackingError, 1e-12)).toBe(true);
    expect(near(correlation(r, b), EMPYRICAL.correlation, 1e-12)).toBe(true);
    expect(near(upCapture(r, b), EMPYRICAL.upCapture, 1e-10)).toBe(true);
    expect(near(downCapture(r, b), EMPYRICAL.downCapture, 1e-10)).toBe(true);
  });

  it('Sharpe and Sortino with and without the risk-free rate', () => {
    expect(near(sharpe(r), EMPYRICAL.sharpe, 1e-12)).toBe(true);
    expect(near(sharpe(r, rf), EMPYRICAL.sharpeRiskFree, 1e-10)).toBe(true);
    expect(near(sortino(r), EMPYRICAL.sortino, 1e-12)).toBe(true);
    expect(near(sortino(r, rf), EMPYRICAL.sortinoRiskFree, 1e-10)).toBe(true);
  });

  it('benchmarkMetrics gathers them under their summary.csv names', () => {
    const m = benchmarkMetrics(r, b, rf);
    expect(Object.keys(m)).toEqual(['alpha', 'beta', 'information_ratio', 'tracking_error', 'correlation', 'up_capture', 'down_capture']);
    expect(m.alpha).toBe(alpha(r, b, rf));
    expect(m.down_capture).toBe(downCapture(r, b));
    expect(() => benchmarkMetrics(r, b.subarray(1), rf)).toThrow(/differ in length/);
  });
});

describe('Sharpe and Sortino: a risk-free rate of 0 changes nothing', () => {
  const r = normals(5, 300, 0.0005, 0.01);
  it('bit for bit the former formulas', () => {
    const m = sum(r) / r.length;
    let ss = 0, down = 0;
    for (const x of r) {
      ss += (x - m) ** 2;
      down += Math.min(x, 0) ** 2;
    }
    expect(sharpe(r)).toBe((m / Math.sqrt(ss / (r.length - 1))) * SQRT252);
    expect(sharpe(r, 0)).toBe(sharpe(r));
    expect(sortino(r)).toBe((m / Math.sqrt(down / r.length)) * SQRT252);
    expect(sortino(r, 0)).toBe(sortino(r));
  });

  it('a positive rate lowers both; Sortino counts days below the rate as downside', () => {
    expect(sharpe(r, 0.0002)!).toBeLessThan(sharpe(r)!);
    // [1, 3] %: mean 2 %, sd √((1² + 1²) / 1) % = √2 %; less a rate of 0.5 %: 1.5 / √2 × √252
    expect(sharpe([0.01, 0.03], 0.005)).toBeCloseTo((0.015 / (0.01 * Math.SQRT2)) * SQRT252, 12);
    expect(sortino([0.001, 0.002], 0)).toBeNull(); // no losing day
    // above zero but below a rate of 0.0015: downside √(0.0005² / 2), mean excess 0
    expect(sortino([0.001, 0.002], 0.0015)).toBe(0);
    expect(sortino([0.001, 0.003], 0.0015)).toBeCloseTo((0.0005 / Math.sqrt(0.0005 ** 2 / 2)) * SQRT252, 12);
  });
});

describe('undefined cases are null', () => {
  it('fewer than two days, a benchmark or active return without spread, a constant strategy for correlation', () => {
    expect(beta([0.01], [0.02])).toBeNull();
    expect(alpha([], [])).toBeNull();
    // 0.1 three times averages to 0.10000000000000002: a variance of rounding, not of the benchmark
    expect(beta([0.01, 0.02, 0.03], [0.1, 0.1, 0.1])).toBeNull();
    expect(alpha([0.01, 0.02, 0.03], [0.1, 0.1, 0.1])).toBeNull();
    expect(correlation([0.01, 0.01, 0.01], [0.01, 0.02, 0.03])).toBeNull();
    expect(trackingError([0.01], [0.02])).toBeNull();
    expect(informationRatio([0.03, 0.04], [0.01, 0.02])).toBeNull(); // active return 2 % every day
    expect(trackingError([0.03, 0.04], [0.01, 0.02])).toBe(0);
    expect(upCapture([0.01], [-0.01])).toBeNull();
    expect(downCapture([0.01], [0.01])).toBeNull();
    expect(beta([0, 0, 0], [0, 0, 0])).toBeNull();
    expect(correlation([0.01, 0.02], [0, 0])).toBeNull();
  });
});

describe('edge cases: two days, no days, tiny values, flat series', () => {
  it('two days are enough for beta and correlation', () => {
    // r̄ = b̄ = 0: Σ b·r = 2 × 0.0002 = 0.0004, Σ b² = 0.0002 → beta 2 (the doc comment's example)
    expect(beta([0.02, -0.02], [0.01, -0.01])).toBeCloseTo(2, 14);
    // dr = [1.5, −1.5] %, db = [−1, 1] %: opposite moves, ρ = −1
    expect(correlation([0.02, -0.01], [0.01, 0.03])).toBeCloseTo(-1, 14);
  });

  it('no days: every statistic is null', () => {
    expect(beta([], [])).toBeNull();
    expect(correlation([], [])).toBeNull();
    expect(trackingError([], [])).toBeNull();
    expect(informationRatio([], [])).toBeNull();
    expect(upCapture([], [])).toBeNull();
    expect(downCapture([], [])).toBeNull();
  });

  it('"without spread" is relative to the values\' size: tiny moves still have statistics (empyrical\'s cut is absolute)', () => {
    // b = ±10⁻⁸, r = 2b: beta 2, though Σ (b − b̄)² = 2·10⁻¹⁶
    expect(beta([2e-8, -2e-8], [1e-8, -1e-8])).toBeCloseTo(2, 12);
    // active returns [1, 3] × 10⁻¹³: mean 2·10⁻¹³, sd √((1 + 1) / 1) × 10⁻¹³ = √2·10⁻¹³
    const te = trackingError([1e-13, 3e-13], [0, 0]);
    expect(te! / (Math.SQRT2 * 1e-13 * SQRT252)).toBeCloseTo(1, 12);
    expect(informationRatio([1e-13, 3e-13], [0, 0])).toBeCloseTo((2 / Math.SQRT2) * SQRT252, 10);
    // a strategy moving by 10⁻¹³ in step with the benchmark: ρ = 1
    expect(correlation([1e-13, 3e-13, 2e-13], [0.01, 0.03, 0.02])).toBeCloseTo(1, 10);
  });

  it('a constant strategy (cash) has beta exactly 0; a flat benchmark has no correlation', () => {
    const cash = [0.0001, 0.0001, 0.0001, 0.0001];
    const b = [0.01, -0.02, 0.02, 0.01];
    expect(beta(cash, b)).toBe(0); // every r − r̄ is 0
    expect(alpha(cash, b)).toBe(1.0001 ** 252 - 1); // its own rate, compounded
    // a benchmark at a constant 10 % a day: its mean 0.10000000000000002 leaves a rounding variance, no spread
    expect(correlation([0.01, 0.02, 0.03], [0.1, 0.1, 0.1])).toBeNull();
    expect(correlation([0.01, 0.02, 0.03], [-0.1, -0.1, -0.1])).toBeNull();
  });
});

describe('captures when a growth reaches zero or below', () => {
  it('a strategy that loses everything on an up day: growth 0, annual return −1', () => {
    // two up days (m = 2): benchmark (1.01 × 1.02)^126 − 1
    expect(near(upCapture([-1, 0.01], [0.01, 0.02]), -1 / ((1.01 * 1.02) ** 126 - 1), 1e-12)).toBe(true);
  });

  it('a loss beyond −100 %: negative growth has no real annualised return, null', () => {
    expect(upCapture([-1.5, 0.01], [0.01, 0.02])).toBeNull();
    expect(downCapture([-1.5, 0.01], [-0.01, -0.02])).toBeNull();
  });

  it('a benchmark that loses everything (or more) on its down days: growth not positive, null', () => {
    expect(downCapture([-0.5, -0.01], [-1, -0.02])).toBeNull();
    expect(downCapture([-0.5], [-1.5])).toBeNull();
  });
});
