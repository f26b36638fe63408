import type { BootstrapSample } from './bootstrap.ts';
import type { ReturnsMatrix } from './returns-matrix.ts';

/**
 * White's Reality Check and Hansen's test of Superior Predictive Ability: does any of k models
 * beat a benchmark on average, once the search over all k is accounted for?
 * H. White, "A Reality Check for Data Snooping", Econometrica 68(5) (2000) 1097–1126;
 * P. R. Hansen, "A Test for Superior Predictive Ability", Journal of Business & Economic
 * Statistics 23(4) (2005) 365–380; conventions checked against bashtage/arch
 * (arch/bootstrap/multiple_comparison.py, SPA).
 *
 * Performance is the daily return: d_{k,t} = r_{k,t} − b_t (model minus benchmark, the same days),
 * d̄_k its mean over n = T days (the mean return difference, not a Sharpe).
 * 1. ω̂_k² = γ̂₀ + 2·Σ_{i=1}^{n−1} κ(n, i)·γ̂ᵢ, γ̂ᵢ = (1/n)·Σ_t (d_t − d̄)(d_{t+i} − d̄), with the stationary
 *    bootstrap's kernel κ(n, i) = ((n − i)/n)(1 − q)^i + (i/n)(1 − q)^{n−i}, q = 1/b (Hansen's ω̂, as arch
 *    computes it when not nested);
 * 2. recentring (Hansen): upper μ̂ᵘ = d̄_k; lower μ̂ˡ = max(d̄_k, 0); consistent μ̂ᶜ = d̄_k when
 *    d̄_k ≥ −√((ω̂_k²/n)·2·ln ln n), else 0 — a model clearly worse than the benchmark is recentred at 0,
 *    where it stays out of the bootstrap maxima, so poor models cannot inflate the p-value;
 * 3. statistic T = max_k d̄_k; per resample b (the stationary bootstrap's, shared with the Sharpe
 *    intervals) T*_b = max_k (d̄*_{k,b} − μ̂_k); p = #(T*_b ≥ T)/B for each μ̂ (lower ≤ consistent ≤ upper).
 *    This is what arch computes (its SPA stores a `studentize` flag but does not use it), except that a
 *    tie T*_b = T counts as at least as extreme (arch counts T*_b > T): the two agree wherever returns
 *    vary, and a variant identical to the benchmark (d ≡ 0, so T*_b = T = 0 in every resample) gets
 *    p = 1, not 0. The upper p-value is White's Reality Check (4.) by construction.
 *    Not studentised by default, on measurement: Hansen's studentised T = max(0, max_k √n·d̄_k/ω̂_k), with
 *    T*_b = max(0, max_k √n·(d̄*_{k,b} − μ̂_k)/ω̂_k), divides by an ω̂_k estimated from the same 252 days,
 *    and the maximum picks the models whose ω̂_k came out low: over 300 simulated sweeps of iid noise
 *    (n = 252, models no better than the benchmark, 300 resamples) its consistent p fell below 0.05 in
 *    10 %, 12 %, 18 % and 25 % of sweeps with 5, 20, 100 and 1,000 models; unstudentised, in 6 %, 5 %,
 *    8 % and 7 % (binomial sd ≈ 1.4 %). `studentize: true` gives
 *    Hansen's form (with ties counted as above, T = 0 — no model beats the benchmark on average — gives
 *    p = 1); a model with ω̂_k = 0 (a constant difference) is left out of its maxima.
 * 4. Reality Check: V = max_k √n·d̄_k, V*_b = max_k √n·(d̄*_{k,b} − d̄_k), p = #(V*_b ≥ V)/B (computed
 *    without the common factor √n, which changes no comparison).
 * d̄* comes from prefix sums of the centred differences over the resample's segments (./bootstrap.ts).
 */
export interface SpaResult {
  /** The SPA statistic T: max_k d̄_k (studentised: max(0, max_k √n·d̄_k/ω̂_k)). */
  readonly statistic: number;
  readonly pvalues: { readonly lower: number; readonly consistent: number; readonly upper: number };
  /** White's Reality Check p-value. */
  readonly realityCheck: number;
  /** ω̂_k² per model. */
  readonly variances: Float64Array;
  /** Models in the maxima (studentised: those with ω̂_k > 0). */
  readonly models: number;
}

/**
 * ω̂² of one series (step 1 above), mean block length b.
 *
 * @example longRunVariance(differences, Math.sqrt(differences.length))
 */
export function longRunVariance(series: ArrayLike<number>, blockLength: number): number {
  const n = series.length;
  const weights = kernelWeights(n, blockLength);
  const centred = new Float64Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) s += series[t]!;
  const m = s / n;
  // Stryker disable next-line EqualityOperator: equivalent, one more step only writes past the typed arrays' ends, which is ignored
  for (let t = 0; t < n; t++) centred[t] = series[t]! - m;
  return varianceFromCentred(centred, weights);
}

/** 2·κ(n, i)/n for i = 1 … n − 1 (index i), and 1/n at index 0. */
function kernelWeights(n: number, blockLength: number): Float64Array {
  const keep = 1 - 1 / blockLength;
  const w = new Float64Array(n);
  w[0] = 1 / n;
  // Stryker disable next-line EqualityOperator: equivalent, one more step only writes past the typed arrays' ends, which is ignored
  for (let i = 1; i < n; i++) w[i] = (2 * ((1 - i / n) * keep ** i + (i / n) * keep ** (n - i))) / n;
  return w;
}

function varianceFromCentred(d: Float64Array, weights: Float64Array): number {
  const n = d.length;
  let v = 0;
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let t = 0; t + i < n; t++) g += d[t]! * d[t + i]!;
    v += weights[i]! * g;
  }
  return v;
}

/**
 * The SPA p-values (lower, consistent, upper) and White's Reality Check p-value of the columns of
 * `models` against `benchmark` over the resamples of `sample`.
 *
 * @example superiorPredictiveAbility(returns, benchmarkReturns, sample).pvalues.consistent
 */
export function superiorPredictiveAbility(
  models: ReturnsMatrix, benchmark: ArrayLike<number>, sample: BootstrapSample, options: { studentize?: boolean } = {},
): SpaResult {
  const { days: n, variants: k, values } = models;
  const studentize = options.studentize ?? false;
  if (benchmark.length !== n) throw new RangeError(`the benchmark has ${benchmark.length} days, the models ${n}`);
  if (sample.days !== n) throw new RangeError(`the bootstrap resamples ${sample.days} days, the models have ${n}`);
  if (n < 3) throw new RangeError(`SPA needs at least 3 days (ln ln n); there are ${n}`);
  const { reps, offsets, segments } = sample;
  const weights = kernelWeights(n, sample.blockLength);
  const bound = 2 * Math.log(Math.log(n));
  const rootN = Math.sqrt(n);
  const variances = new Float64Array(k);
  const maxLower = new Float64Array(reps).fill(-Infinity), maxConsistent = new Float64Array(reps).fill(-Infinity);
  const maxUpper = new Float64Array(reps).fill(-Infinity), maxCheck = new Float64Array(reps).fill(-Infinity);
  const centred = new Float64Array(n), prefix = new Float64Array(n + 1);
  let statistic = -Infinity, checkStatistic = -Infinity, used = 0;
  for (let j = 0; j < k; j++) {
    const base = j * n;
    let s = 0;
    for (let t = 0; t < n; t++) s += values[base + t]! - benchmark[t]!;
    const mean = s / n;
    // Stryker disable next-line EqualityOperator: equivalent, one more step only writes past the typed arrays' ends, which is ignored
    for (let t = 0; t < n; t++) {
      centred[t] = values[base + t]! - benchmark[t]! - mean;
      prefix[t + 1] = prefix[t]! + centred[t]!;
    }
    const omega2 = varianceFromCentred(centred, weights);
    variances[j] = omega2;
    checkStatistic = Math.max(checkStatistic, mean);
    const scale = studentize ? (omega2 > 0 ? rootN / Math.sqrt(omega2) : 0) : 1;
    const lower = Math.max(mean, 0);
    const consistent = mean >= -Math.sqrt((omega2 / n) * bound) ? mean : 0;
    // Stryker disable next-line EqualityOperator: equivalent, a resample past the last has no segments (offsets[reps + 1] is undefined) and its writes are ignored
    for (let r = 0; r < reps; r++) {
      let sum = 0;
      for (let g = 2 * offsets[r]!, end = 2 * offsets[r + 1]!; g < end; g += 2) sum += prefix[segments[g + 1]!]! - prefix[segments[g]!]!;
      const deviation = sum / n; // d̄* − d̄
      // Stryker disable next-line EqualityOperator: equivalent, >= replaces a maximum by an equal value
      if (deviation > maxCheck[r]!) maxCheck[r] = deviation;
      // Stryker disable next-line ConditionalExpression: equivalent, a model left out (scale 0, studentised only) would add 0s to maxima that are floored at 0
      if (scale === 0) continue;
      const u = scale * deviation, l = scale * (deviation + mean - lower), c = scale * (deviation + mean - consistent);
      // The three maxima: >= would replace a maximum by an equal value.
      // Stryker disable next-line EqualityOperator: equivalent, see above
      if (u > maxUpper[r]!) maxUpper[r] = u;
      // Stryker disable next-line EqualityOperator: equivalent, see above
      if (l > maxLower[r]!) maxLower[r] = l;
      // Stryker disable next-line EqualityOperator: equivalent, see above
      if (c > maxConsistent[r]!) maxConsistent[r] = c;
    }
    if (scale === 0) continue;
    used++;
    statistic = Math.max(statistic, scale * mean);
  }
  if (studentize) statistic = Math.max(0, statistic);
  const share = (maxima: Float64Array, floor: boolean, threshold: number) => {
    let atLeast = 0;
    // Stryker disable next-line EqualityOperator: equivalent, maxima[reps] is undefined, and undefined (or max(0, undefined) = NaN) >= threshold is false
    for (let r = 0; r < reps; r++) if ((floor ? Math.max(0, maxima[r]!) : maxima[r]!) >= threshold) atLeast++;
    return atLeast / reps;
  };
  return {
    statistic,
    pvalues: {
      lower: share(maxLower, studentize, statistic),
      consistent: share(maxConsistent, studentize, statistic),
      upper: share(maxUpper, studentize, statistic),
    },
    realityCheck: share(maxCheck, false, checkStatistic),
    variances,
    models: used,
  };
}
