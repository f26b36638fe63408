import { describe, expect, it } from 'vitest';
import { resampleIndices, sampleFromIndices, stationaryBootstrap, type BootstrapSample } from '../../src/statistics/bootstrap.ts';
import type { ReturnsMatrix } from '../../src/statistics/returns-matrix.ts';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';
import { longRunVariance, superiorPredictiveAbility } from '../../src/statistics/spa.ts';
import { matrixOf, normals } from './helpers.ts';

/**
 * Hansen's SPA and White's Reality Check written the obvious way: every resample expanded to day indices,
 * every model's difference series re-averaged over them, ω̂² lag by lag; ties count as at least as extreme.
 * studentize: Hansen's max(0, max_k √n·d̄_k/ω̂_k) (models with ω̂ = 0 left out); otherwise arch's max_k d̄_k.
 */
function plainSpa(m: ReturnsMatrix, bench: ArrayLike<number>, sample: BootstrapSample, studentize: boolean) {
  const { days: n, variants: k } = m;
  const d = Array.from({ length: k }, (_, j) => Array.from({ length: n }, (_, t) => m.values[j * n + t]! - bench[t]!));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const dbar = d.map(mean);
  const q = 1 / sample.blockLength;
  const omega2 = d.map((x, j) => {
    const c = x.map((v) => v - dbar[j]!);
    const gamma = (i: number) => c.slice(0, n - i).reduce((a, v, t) => a + v * c[t + i]!, 0) / n;
    let v = gamma(0);
    for (let i = 1; i < n; i++) v += 2 * ((1 - i / n) * Math.pow(1 - q, i) + (i / n) * Math.pow(1 - q, n - i)) * gamma(i);
    return v;
  });
  const threshold = (j: number) => -Math.sqrt((omega2[j]! / n) * 2 * Math.log(Math.log(n)));
  const mu = {
    lower: dbar.map((x) => Math.max(x, 0)),
    consistent: dbar.map((x, j) => (x >= threshold(j) ? x : 0)),
    upper: dbar,
  };
  const models = Array.from({ length: k }, (_, j) => j).filter((j) => !studentize || omega2[j]! > 0);
  const scale = (j: number) => (studentize ? Math.sqrt(n) / Math.sqrt(omega2[j]!) : 1);
  const top = (xs: number[]) => (studentize ? Math.max(0, ...xs) : Math.max(...xs));
  const statistic = top(models.map((j) => scale(j) * dbar[j]!));
  const rcStatistic = Math.max(...dbar.map((x) => Math.sqrt(n) * x));
  const atLeast = { lower: 0, consistent: 0, upper: 0, check: 0 };
  for (let r = 0; r < sample.reps; r++) {
    const idx = Array.from(resampleIndices(sample, r));
    const star = d.map((x) => mean(idx.map((i) => x[i]!)));
    for (const kind of ['lower', 'consistent', 'upper'] as const) {
      if (top(models.map((j) => scale(j) * (star[j]! - mu[kind][j]!))) >= statistic) atLeast[kind]++;
    }
    if (Math.max(...star.map((s, j) => Math.sqrt(n) * (s - dbar[j]!))) >= rcStatistic) atLeast.check++;
  }
  const B = sample.reps;
  return { statistic, omega2, pvalues: { lower: atLeast.lower / B, consistent: atLeast.consistent / B, upper: atLeast.upper / B }, realityCheck: atLeast.check / B };
}

describe("Hansen's SPA and White's Reality Check", () => {
  it('matches arch (bashtage/arch v8.0.0-37-g543f44cf7c, SPA, not nested) on fixed data and fixed resamples', () => {
    // Reference values: arch/bootstrap/multiple_comparison.py run in pure Python (numpy 1.24.2, pandas 1.5.3) on
    // the data and resamples below (its bootstrap replaced by these index arrays), block_size = 6, benchmark and
    // models passed as losses (−returns). arch does not studentise its statistic (its `studentize` flag is stored
    // but unused in compute); neither does our default. No ties arise in these data, where arch's T* > T and our
    // T* ≥ T agree.
    const T = 40, K = 3, R = 60;
    const model = (t: number, j: number) => ((((7 * t + 5 * j + 3 * t * j) % 17) - 8 + (j === 1 ? 0.25 : 0)) / 1024);
    const bench = Float64Array.from({ length: T }, (_, t) => (((5 * t + 2) % 13) - 6) / 1024);
    const m = matrixOf(T, K, (j, t) => model(t, j));
    const resamples = Array.from({ length: R }, (_, r) => Array.from({ length: T }, (_, t) => (r * 11 + t + Math.floor(t / 6) * (3 + (r % 5))) % T));
    const result = superiorPredictiveAbility(m, bench, sampleFromIndices(T, resamples, 6));
    const ARCH_VARIANCES = [8.65079109082204e-6, 8.27795733534144e-6, 1.041801888764526e-5];
    result.variances.forEach((v, j) => expect(Math.abs(v - ARCH_VARIANCES[j]!) / ARCH_VARIANCES[j]!).toBeLessThan(1e-14));
    expect(result.pvalues).toEqual({ lower: 0.65, consistent: 0.6666666666666666, upper: 0.6666666666666666 });
    expect(result.realityCheck).toBe(0.6666666666666666); // White's RC is arch's upper p-value
    expect(longRunVariance(Array.from({ length: T }, (_, t) => model(t, 0) - bench[t]!), 6)).toBeCloseTo(ARCH_VARIANCES[0]!, 18);
  });

  it('agrees with the obvious implementation on the same bootstrap indices, unstudentised (default) and studentised', () => {
    const z = normals(12);
    const bench = Array.from({ length: 60 }, () => 0.0003 + 0.01 * z());
    const m = matrixOf(60, 5, (j, t) => bench[t]! * 0.5 + 0.0002 * (j - 2) + 0.008 * z());
    const sample = stationaryBootstrap(60, 250, new Xoshiro128StarStar(4));
    for (const studentize of [false, true]) {
      const fast = superiorPredictiveAbility(m, bench, sample, { studentize }), plain = plainSpa(m, bench, sample, studentize);
      expect(fast.pvalues).toEqual(plain.pvalues);
      expect(fast.realityCheck).toBe(plain.realityCheck);
      expect(fast.statistic).toBeCloseTo(plain.statistic, 12);
      fast.variances.forEach((v, j) => expect(v).toBeCloseTo(plain.omega2[j]!, 16));
      expect(fast.pvalues.lower).toBeLessThanOrEqual(fast.pvalues.consistent);
      expect(fast.pvalues.consistent).toBeLessThanOrEqual(fast.pvalues.upper);
      if (!studentize) expect(fast.pvalues.upper).toBe(fast.realityCheck);
    }
  });

  it('a planted superior model gives p < 0.05', () => {
    const z = normals(13);
    const bench = Array.from({ length: 252 }, () => 0.0003 + 0.01 * z());
    // ten models no better than the benchmark on average, one 0.25 % a day better (t ≈ 0.0025/0.01·√252 ≈ 4)
    const m = matrixOf(252, 11, (j) => 0.0003 + (j === 7 ? 0.0025 : 0) + 0.01 * z());
    for (const studentize of [false, true]) {
      const r = superiorPredictiveAbility(m, bench, stationaryBootstrap(252, 1000, new Xoshiro128StarStar(1)), { studentize });
      expect(r.pvalues.consistent).toBeLessThan(0.05);
      expect(r.realityCheck).toBeLessThan(0.05);
    }
  });

  it('models no better than the benchmark give p-values spread over (0, 1) across seeds, rarely below 0.05', () => {
    // Under the null's boundary (every mean difference 0) the consistent p is close to uniform: 40 independent
    // p-values all above 0.2 (or all below 0.8) has probability 0.8⁴⁰ ≈ 1.3e-4; 8 or more of 40 below 0.05 has
    // probability ≈ 0.003 for a test of size 0.05.
    const ps: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const z = normals(100 + seed);
      const bench = Array.from({ length: 200 }, () => 0.01 * z());
      const m = matrixOf(200, 5, () => 0.01 * z());
      ps.push(superiorPredictiveAbility(m, bench, stationaryBootstrap(200, 200, new Xoshiro128StarStar(seed))).pvalues.consistent);
    }
    expect(Math.min(...ps)).toBeLessThan(0.2);
    expect(Math.max(...ps)).toBeGreaterThan(0.8);
    expect(ps.filter((p) => p < 0.05).length).toBeLessThan(8);
  });

  it('adding many poor models barely moves the consistent p-value, while the Reality Check’s and the upper grow', () => {
    // 100 models 0.4 % a day worse than the benchmark: their means sit ≈ 2.4 consistency bounds (√(ω̂²/n·2 ln ln n)
    // ≈ 0.16 %) below 0, so the consistent test recentres them at 0 and they reach the maximum only in the odd
    // resample (here it moves 0.089 → 0.104); the upper p (White's) recentres them at their own mean and jumps
    // (0.089 → 0.46).
    const z = normals(14);
    const bench = Array.from({ length: 252 }, () => 0.01 * z());
    const good = Array.from({ length: 3 }, (_, j) => Array.from({ length: 252 }, () => (j === 0 ? 0.0012 : 0) + 0.01 * z()));
    const poor = Array.from({ length: 100 }, () => Array.from({ length: 252 }, () => -0.004 + 0.01 * z()));
    const few = matrixOf(252, 3, (j, t) => good[j]![t]!);
    const many = matrixOf(252, 103, (j, t) => (j < 3 ? good[j]![t]! : poor[j - 3]![t]!));
    const sample = stationaryBootstrap(252, 1000, new Xoshiro128StarStar(3));
    const a = superiorPredictiveAbility(few, bench, sample), b = superiorPredictiveAbility(many, bench, sample);
    expect(Math.abs(a.pvalues.consistent - b.pvalues.consistent)).toBeLessThanOrEqual(0.02);
    expect(b.pvalues.upper).toBeGreaterThan(a.pvalues.upper + 0.2);
    expect(b.realityCheck).toBeGreaterThan(a.realityCheck + 0.2);
  });

  it('a variant identical to the benchmark is no evidence of superiority: every p is 1 (ties count), studentised or not', () => {
    const z = normals(15);
    const bench = Array.from({ length: 100 }, () => 0.01 * z());
    const same = matrixOf(100, 2, (_, t) => bench[t]!);
    const sample = stationaryBootstrap(100, 100, new Xoshiro128StarStar(1));
    expect(superiorPredictiveAbility(same, bench, sample).pvalues).toEqual({ lower: 1, consistent: 1, upper: 1 });
    expect(superiorPredictiveAbility(same, bench, sample).realityCheck).toBe(1);
    const studentised = superiorPredictiveAbility(same, bench, sample, { studentize: true });
    expect(studentised.models).toBe(0);
    expect(studentised.pvalues).toEqual({ lower: 1, consistent: 1, upper: 1 });
    // studentised, every model clearly worse: T = 0, and the floor's ties give p = 1 (not 0)
    const worse = matrixOf(100, 3, (_, t) => bench[t]! - 0.01 + 0.001 * z());
    expect(superiorPredictiveAbility(worse, bench, sample, { studentize: true }).pvalues.consistent).toBe(1);
    expect(() => superiorPredictiveAbility(matrixOf(100, 1, () => 0), bench.slice(1), stationaryBootstrap(100, 10, new Xoshiro128StarStar(1)))).toThrow(RangeError);
    expect(() => superiorPredictiveAbility(matrixOf(2, 1, () => 0), [0, 0], stationaryBootstrap(2, 10, new Xoshiro128StarStar(1)))).toThrow(/at least 3 days/);
  });

  it('names a mismatched benchmark or bootstrap, and works from 3 days on', () => {
    const bench = [0.01, -0.01, 0.02, 0];
    expect(() => superiorPredictiveAbility(matrixOf(4, 1, () => 0), bench.slice(1), stationaryBootstrap(4, 10, new Xoshiro128StarStar(1))))
      .toThrow('the benchmark has 3 days, the models 4');
    expect(() => superiorPredictiveAbility(matrixOf(4, 1, () => 0), bench, stationaryBootstrap(5, 10, new Xoshiro128StarStar(1))))
      .toThrow('the bootstrap resamples 5 days, the models have 4');
    const three = matrixOf(3, 2, (j, t) => 0.01 * (j + 1) * (t - 1));
    const sample = stationaryBootstrap(3, 50, new Xoshiro128StarStar(2));
    // (three days give resamples that are permutations of the days: exact ties, which rounding may break either way)
    const fast = superiorPredictiveAbility(three, bench.slice(0, 3), sample), plain = plainSpa(three, bench.slice(0, 3), sample, false);
    expect(fast.statistic).toBeCloseTo(plain.statistic, 15);
    for (const p of [fast.pvalues.lower, fast.pvalues.consistent, fast.pvalues.upper, fast.realityCheck]) expect(p >= 0 && p <= 1).toBe(true);
  });

  it('every model worse than the benchmark: the unstudentised statistic is the best (negative) mean difference, as the obvious implementation (and the default)', () => {
    // two models 0.3 and 3 long-run standard errors below a benchmark of 0 (their centred noise shifted)
    const z = normals(16);
    const zero = new Array<number>(60).fill(0);
    const sample = stationaryBootstrap(60, 300, new Xoshiro128StarStar(5));
    const noise = [0, 1].map(() => Array.from({ length: 60 }, () => 0.01 * z()));
    const columns = noise.map((x, j) => {
      const omega2 = plainSpa(matrixOf(60, 1, (_, t) => x[t]!), zero, sample, false).omega2[0]!;
      const mean = x.reduce((a, v) => a + v, 0) / 60;
      return x.map((v) => v - mean - [0.3, 3][j]! * Math.sqrt(omega2 / 60));
    });
    const m = matrixOf(60, 2, (j, t) => columns[j]![t]!);
    const fast = superiorPredictiveAbility(m, zero, sample), plain = plainSpa(m, zero, sample, false);
    expect(fast.statistic).toBeLessThan(0);
    expect(fast.statistic).toBeCloseTo(plain.statistic, 14);
    // the same resamples, up to a tie T*_b = T that rounding could break the other way
    for (const kind of ['lower', 'consistent', 'upper'] as const) expect(Math.abs(fast.pvalues[kind] - plain.pvalues[kind])).toBeLessThanOrEqual(1.5 / 300);
    expect(Math.abs(fast.realityCheck - plain.realityCheck)).toBeLessThanOrEqual(1.5 / 300);
    // V*_b is centred at 0 and falls below V = √n·d̄ < 0 in a good share of resamples: neither p is 1
    expect(fast.realityCheck).toBeLessThan(0.9);
    expect(fast.pvalues.upper).toBeLessThan(0.9);
    expect(superiorPredictiveAbility(m, zero, sample, { studentize: false })).toEqual(fast);
    // studentised, the same models: Hansen's T is floored at 0, and every floored T*_b ties it
    const studentised = superiorPredictiveAbility(m, zero, sample, { studentize: true });
    expect(studentised.statistic).toBe(0);
    expect(studentised.pvalues.consistent).toBe(1);
  });

  it('the consistent recentring: a model 1.45 long-run standard errors below the benchmark stays centred at its mean (bound √(2 ln ln 60) ≈ 1.68), one 2 below is recentred at 0', () => {
    const z = normals(17);
    const noise = Array.from({ length: 60 }, () => 0.01 * z());
    const sample = stationaryBootstrap(60, 400, new Xoshiro128StarStar(6));
    const zero = new Array<number>(60).fill(0);
    const omega2 = plainSpa(matrixOf(60, 1, (_, t) => noise[t]!), zero, sample, false).omega2[0]!; // shift-invariant
    const centred = noise.map((x) => x - noise.reduce((a, b) => a + b, 0) / 60);
    const at = (k: number) => matrixOf(60, 1, (_, t) => centred[t]! - k * Math.sqrt(omega2 / 60));
    const near = superiorPredictiveAbility(at(1.45), zero, sample), far = superiorPredictiveAbility(at(2), zero, sample);
    expect(near.pvalues.consistent).toBe(near.pvalues.upper);
    expect(near.pvalues.consistent).toBeGreaterThan(near.pvalues.lower + 0.2);
    expect(far.pvalues.consistent).toBe(far.pvalues.lower);
    expect(far.pvalues.consistent).toBeLessThan(far.pvalues.upper - 0.2);
    for (const k of [1.45, 2]) expect(superiorPredictiveAbility(at(k), zero, sample).pvalues).toEqual(plainSpa(at(k), zero, sample, false).pvalues);
  });

  it('studentised, a model whose difference never varies (ω̂ = 0) is left out of the maxima', () => {
    const z = normals(18);
    const zero = new Array<number>(60).fill(0);
    // column 0: 2⁻¹¹ every day (exact sums: its centred differences are exactly 0); columns 1, 2: noise
    const m = matrixOf(60, 3, (j) => (j === 0 ? 2 ** -11 : 0.0005 * j + 0.01 * z()));
    const sample = stationaryBootstrap(60, 300, new Xoshiro128StarStar(7));
    const fast = superiorPredictiveAbility(m, zero, sample, { studentize: true }), plain = plainSpa(m, zero, sample, true);
    expect(fast.variances[0]).toBe(0);
    expect(fast.models).toBe(2);
    expect(fast.statistic).toBeCloseTo(plain.statistic, 12);
    expect(fast.pvalues).toEqual(plain.pvalues);
    const without = superiorPredictiveAbility(matrixOf(60, 2, (j, t) => m.values[(j + 1) * 60 + t]!), zero, sample, { studentize: true });
    expect(fast.pvalues).toEqual(without.pvalues);
  });
});
